// A CounterFact record whose prompt does not fit the model's context (tiny-facts: 80 positions)
// is skipped and counted; the other records score exactly as without it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readCounterfactFile } from "../../../src/data/counterfact/parse.js";
import { evaluateCounterfact } from "../../../src/eval/counterfact/evaluate.js";
import { loadModel } from "../../../src/models/load.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { TINY_FACTS, TINY_RECORDS } from "../golden-helpers.js";

describe("CounterFact records longer than the context", async () => {
  const model = loadModel(TINY_FACTS);
  const tokenizer = await loadTokenizer(TINY_FACTS);
  const records = readCounterfactFile(TINY_RECORDS).slice(0, 3);

  it("are skipped and counted", () => {
    const long = structuredClone(records[1]);
    long.case_id = 999;
    long.neighborhood_prompts[3] = "Zira Kudor and ".repeat(30) + "Domina Tethor is a national of";
    const withLong = evaluateCounterfact(model, tokenizer, [records[0], long, records[2]]);
    const plain = evaluateCounterfact(model, tokenizer, [records[0], records[2]]);
    assert.deepEqual(withLong.skipped, [999]);
    assert.equal(withLong.summary.skipped, 1);
    assert.equal(withLong.summary.n, 2);
    assert.deepEqual(withLong.records, plain.records);
    assert.deepEqual({ ...withLong.summary, skipped: 0 }, plain.summary);
  });
});
