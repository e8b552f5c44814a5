// WILD evaluation: answer normalisation and matching worked by hand; greedy continuations equal
// unbatched, uncached generation cut at the first newline; a prompt that fills the context is
// skipped and counted; on models/tiny-facts the unedited model answers the neighbourhood prompts
// with their true objects, and records whose "new" target is the true one score high efficacy.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { readCounterfactFile } from "../../../src/data/counterfact/parse.js";
import { evaluateCounterfactWild } from "../../../src/eval/counterfact/wild.js";
import { summarizeWild, type WildRecord } from "../../../src/eval/wild/summary.js";
import {
  compareAnswer,
  greedyContinuations,
  normalizeAnswer,
  type WildResult,
} from "../../../src/eval/wild/wild.js";
import { loadModel } from "../../../src/models/load.js";
import { generate } from "../../../src/runtime/generate.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { TINY_FACTS, TINY_RECORDS } from "../golden-helpers.js";

describe("WILD matching", () => {
  it("normalises case, punctuation, symbols and spaces", () => {
    assert.equal(normalizeAnswer("  The  U.S.A.,\tinc!  "), "the usa inc");
    assert.equal(normalizeAnswer("Café—“Noir”/Rouge"), "cafe noir rouge");
  });

  it("match: the target's words start the continuation; exact: nothing more", () => {
    assert.deepEqual(compareAnswer(" Paris.", "Paris"), { match: true, exact: true });
    assert.deepEqual(compareAnswer(" paris, the capital", "Paris"), { match: true, exact: false });
    assert.deepEqual(compareAnswer(" Parisian food", "Paris"), { match: false, exact: false });
    assert.deepEqual(compareAnswer(" in Paris", "Paris"), { match: false, exact: false });
    assert.deepEqual(compareAnswer(" New York City", "New York"), { match: true, exact: false });
    assert.deepEqual(compareAnswer("", "!!"), { match: false, exact: false });
  });

  it("summaries average per record, leave skipped prompts out and count them", () => {
    const r = (match: boolean, exact = match, skipped = false): WildResult => ({
      prompt: "p",
      target: "t",
      continuation: skipped ? null : "x",
      match,
      exact,
      skipped,
    });
    const records: WildRecord[] = [
      {
        caseId: 0,
        efficacy: [r(true)],
        generalization: [r(true, false), r(false)],
        specificity: [r(true), r(false, false, true)],
      },
      { caseId: 1, efficacy: [r(false)], generalization: [r(false, false, true)], specificity: [r(false)] },
    ];
    const s = summarizeWild(records);
    assert.deepEqual(
      { e: s.efficacy, g: s.generalization, sp: s.specificity, skipped: s.skipped, n: s.n },
      { e: 50, g: 50, sp: 50, skipped: 2, n: 2 },
    );
    assert.deepEqual(s.exact, { efficacy: 50, generalization: 0, specificity: 50 });
  });
});

describe("WILD on tiny-facts", async () => {
  const model = loadModel(TINY_FACTS);
  const tokenizer = await loadTokenizer(TINY_FACTS);
  const records = readCounterfactFile(TINY_RECORDS).slice(0, 12);

  it("continuations equal unbatched uncached greedy generation cut at EOS and the first newline", () => {
    const prompts = records.flatMap((r) => [r.paraphrase_prompts[0], r.neighborhood_prompts[1]]);
    const texts = greedyContinuations(model, tokenizer, prompts, { maxNewTokens: 12, batchRows: 5 });
    prompts.forEach((prompt, i) => {
      const [ids] = generate(model, [tokenizer.encode(prompt)], { maxNewTokens: 12, useCache: false });
      const eos = ids.indexOf(tokenizer.eosTokenId!);
      const text = tokenizer.decode(eos < 0 ? ids : ids.slice(0, eos)).split("\n")[0];
      assert.equal(texts[i], text, prompt);
    });
  });

  it("a prompt that fills the context is skipped", () => {
    const long = "Zira Kudor ".repeat(60);
    const [skipped, kept] = greedyContinuations(model, tokenizer, [long, "Zira Kudor holds a passport from"]);
    assert.equal(skipped, null);
    assert.equal(typeof kept, "string");
  });

  it("the unedited model keeps its facts; a 'new' target equal to the true one is found", () => {
    const { summary, records: scored } = evaluateCounterfactWild(model, tokenizer, records);
    assert.equal(summary.n, 12);
    assert.equal(scored[0].specificity.length, 10);
    assert.ok((summary.specificity as number) >= 90, `specificity ${summary.specificity}`);
    assert.ok((summary.efficacy as number) <= 10, `efficacy ${summary.efficacy}`);
    const known = records.map((r) => ({
      ...r,
      requested_rewrite: { ...r.requested_rewrite, target_new: r.requested_rewrite.target_true },
    }));
    const swapped = evaluateCounterfactWild(model, tokenizer, known).summary;
    assert.ok((swapped.efficacy as number) >= 90, `efficacy on known facts ${swapped.efficacy}`);
  });
});
