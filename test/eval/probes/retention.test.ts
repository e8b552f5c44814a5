// Retention on models/tiny-facts (trained on the fact world): on the unedited model every bundled
// fact is retained; figures equal the per-record scoreContinuation comparison; a record whose
// prompt cannot fit the context is skipped and counted.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readCounterfactFile } from "../../../src/data/counterfact/parse.js";
import { evaluateRetention } from "../../../src/eval/probes/retention.js";
import { loadModel } from "../../../src/models/load.js";
import { makeBatch } from "../../../src/runtime/batch.js";
import { argmax } from "../../../src/runtime/generate.js";
import { scoreContinuation } from "../../../src/runtime/score.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { TINY_FACTS, TINY_RECORDS } from "../golden-helpers.js";

describe("retention", async () => {
  const model = loadModel(TINY_FACTS);
  const tokenizer = await loadTokenizer(TINY_FACTS);
  const records = readCounterfactFile(TINY_RECORDS).slice(0, 30);

  /** Every target token is the argmax of its logits, from one unbatched forward. */
  function top1(promptIds: number[], targetIds: number[]): boolean {
    const V = model.config.vocabSize;
    const seq = [...promptIds, ...targetIds];
    const positions = targetIds.map((_, j) => ({ row: 0, position: promptIds.length - 1 + j }));
    const { logits } = model.forward(makeBatch([seq.slice(0, -1)]), { logits: positions });
    return targetIds.every((id, j) => argmax(logits.subarray(j * V, (j + 1) * V)) === id);
  }

  it("equals the per-record comparison of scoreContinuation and the argmax", () => {
    const result = evaluateRetention(records, model, tokenizer, { batchRows: 7 });
    let retained = 0;
    let preferred = 0;
    for (const record of records) {
      const { prompt, subject, target_true, target_new } = record.requested_rewrite;
      const filled = prompt.replace("{}", subject);
      const onTrue = scoreContinuation(model, tokenizer, filled, ` ${target_true.str}`);
      const onNew = scoreContinuation(model, tokenizer, filled, ` ${target_new.str}`);
      if (top1(onTrue.promptIds, onTrue.targetIds)) retained++;
      if (-onTrue.logprob / onTrue.targetIds.length < -onNew.logprob / onNew.targetIds.length) preferred++;
    }
    assert.equal(result.n, 30);
    assert.equal(result.skipped, 0);
    assert.equal(result.accuracy, retained / records.length);
    assert.equal(result.preferred, preferred / records.length);
    assert.ok(retained >= 28, `the trained model keeps its facts top-1 (${retained}/30)`);
  });

  it("a record too long for the context is skipped and counted", () => {
    const long = structuredClone(records[0]);
    long.requested_rewrite.subject = "Zira Kudor ".repeat(40).trim();
    const result = evaluateRetention([long, ...records.slice(1, 5)], model, tokenizer);
    assert.equal(result.skipped, 1);
    assert.equal(result.n, 4);
    const none = evaluateRetention([long], model, tokenizer);
    assert.deepEqual([none.n, none.accuracy, none.preferred], [0, null, null]);
  });
});
