// CounterFact metric definitions on hand-made cases: a stub model whose next-token logits depend
// only on the row's first token (the subject), so every NLL is known in closed form, and direct
// checks of recordMetrics / summarizeRecords / harmonicMean against values worked out by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CounterFactRecord } from "../../../src/data/counterfact/record.js";
import { evaluateCounterfact } from "../../../src/eval/counterfact/evaluate.js";
import {
  harmonicMean,
  recordMetrics,
  summarizeRecords,
  type PromptScores,
} from "../../../src/eval/counterfact/metrics.js";
import type { CausalLM } from "../../../src/models/causal-lm.js";
import type { Batch } from "../../../src/models/types.js";
import type { Tokenizer } from "../../../src/tokenizers/tokenizer.js";

const WORDS = [
  "<pad>",
  "Ann",
  "Bob",
  "Cyd",
  "Dee",
  "The",
  "home",
  "of",
  "lives",
  "in",
  "is",
  "Paris",
  "Rome",
  "New",
  "York",
];
const ID = new Map(WORDS.map((w, i) => [w, i]));
const V = WORDS.length;

/** Word-per-token tokenizer: " Paris" → [Paris]; prompt ids are always a prefix of prompt + target. */
const tokenizer = {
  padTokenId: 0,
  encode: (text: string) =>
    text
      .split(" ")
      .filter((w) => w.length > 0)
      .map((w) => {
        const id = ID.get(w);
        if (id === undefined) throw new Error(`stub tokenizer: unknown word ${w}`);
        return id;
      }),
} as unknown as Tokenizer;

/** Logits of every position: PREFERENCES[first token of the row] (0 for unlisted words). */
const PREFERENCES: Record<string, Record<string, number>> = {
  Ann: { Paris: 2, Rome: 0, New: 1.5, York: 1.8 }, // the edited subject prefers the new target
  Bob: { Rome: 1 }, // neighbour keeping the true target
  Cyd: { Paris: 2 }, // neighbour that drifted to the new target
  The: { Rome: 2 }, // paraphrase starting with "The": still true
};
const forwardCalls: number[] = [];
const stubModel = {
  config: { vocabSize: V, maxPositions: 64 },
  forward(batch: Batch, options: { logits: { row: number; position: number }[] }) {
    forwardCalls.push(batch.B);
    const logits = new Float32Array(options.logits.length * V);
    options.logits.forEach(({ row }, m) => {
      const prefs = PREFERENCES[WORDS[batch.ids[row * batch.T]]] ?? {};
      for (const [word, logit] of Object.entries(prefs)) logits[m * V + (ID.get(word) as number)] = logit;
    });
    return { logits };
  },
} as unknown as CausalLM;

/** log p(word) under the stub's distribution for a row starting with `first`. */
function logp(first: string, word: string): number {
  const prefs = PREFERENCES[first] ?? {};
  const z = WORDS.reduce((a, w) => a + Math.exp(prefs[w] ?? 0), 0);
  return (prefs[word] ?? 0) - Math.log(z);
}

function record(targetNew: string, targetTrue: string): CounterFactRecord {
  return {
    case_id: 7,
    requested_rewrite: {
      prompt: "{} lives in",
      relation_id: "P551",
      target_new: { str: targetNew, id: "Q1" },
      target_true: { str: targetTrue, id: "Q2" },
      subject: "Ann",
    },
    paraphrase_prompts: ["Ann is in", "The home of Ann is"],
    neighborhood_prompts: ["Bob lives in", "Cyd lives in", "Dee lives in"],
    attribute_prompts: [],
    generation_prompts: [],
  };
}

describe("CounterFact metrics on a stub model with known NLLs", () => {
  it("efficacy, generalisation, specificity, magnitudes, accuracy and score", () => {
    const { records, summary } = evaluateCounterfact(stubModel, tokenizer, [record("Paris", "Rome")]);
    const [r] = records;
    assert.equal(r.caseId, 7);
    assert.equal(r.rewrite[0].prompt, "Ann lives in");
    assert.ok(Math.abs(r.rewrite[0].newNll + logp("Ann", "Paris")) < 1e-6);
    assert.ok(Math.abs(r.rewrite[0].trueNll + logp("Ann", "Rome")) < 1e-6);
    // rewrite: Ann prefers Paris → success; paraphrases: "Ann is in" yes, "The home …" no (Rome)
    assert.equal(r.metrics.efficacy, 1);
    assert.equal(r.metrics.generalization, 0.5);
    // neighbours: Bob keeps Rome (yes), Cyd prefers Paris (no), Dee is indifferent (tie: no)
    assert.ok(Math.abs((r.metrics.specificity as number) - 1 / 3) < 1e-12);
    const pAnn = Math.exp(logp("Ann", "Paris")) - Math.exp(logp("Ann", "Rome"));
    assert.ok(Math.abs(r.metrics.efficacyMagnitude - pAnn) < 1e-6);
    const pThe = Math.exp(logp("The", "Paris")) - Math.exp(logp("The", "Rome"));
    assert.ok(Math.abs((r.metrics.generalizationMagnitude as number) - (pAnn + pThe) / 2) < 1e-6);
    const neighbour = (s: string) => Math.exp(logp(s, "Rome")) - Math.exp(logp(s, "Paris"));
    const nm = (neighbour("Bob") + neighbour("Cyd") + neighbour("Dee")) / 3;
    assert.ok(Math.abs((r.metrics.specificityMagnitude as number) - nm) < 1e-6);
    // top-1: Ann's argmax is Paris (the expected new target); The's is Rome; Bob's is Rome
    assert.equal(r.metrics.efficacyAccuracy, 1);
    assert.equal(r.metrics.generalizationAccuracy, 0.5);
    assert.ok(Math.abs((r.metrics.specificityAccuracy as number) - 1 / 3) < 1e-12);
    assert.equal(summary.efficacy, 100);
    assert.equal(summary.generalization, 50);
    assert.ok(Math.abs((summary.specificity as number) - 100 / 3) < 1e-9);
    assert.ok(Math.abs((summary.score as number) - 3 / (1 / 100 + 1 / 50 + 3 / 100)) < 1e-9);
    assert.equal(summary.n, 1);
    assert.equal(summary.fluency, null);
  });

  it("multi-token targets use the mean per-token NLL, and the top-1 needs every token", () => {
    const { records } = evaluateCounterfact(stubModel, tokenizer, [record("New York", "Rome")]);
    const [r] = records;
    const expected = -(logp("Ann", "New") + logp("Ann", "York")) / 2;
    assert.ok(Math.abs(r.rewrite[0].newNll - expected) < 1e-6);
    assert.ok(Math.abs(r.rewrite[0].newLogprob + 2 * expected) < 1e-6);
    // Ann's argmax is Paris, so " New York" is not greedy, though its mean NLL beats " Rome"
    assert.equal(r.metrics.efficacy, 1);
    assert.equal(r.metrics.efficacyAccuracy, 0);
  });

  it("skipped groups give null metrics and no score; the rewrite prompt alone is one forward", () => {
    forwardCalls.length = 0;
    const { records, summary } = evaluateCounterfact(stubModel, tokenizer, [record("Paris", "Rome")], {
      include: { paraphrase: false, neighborhood: false },
    });
    assert.deepEqual(records[0].paraphrase, []);
    assert.equal(records[0].metrics.generalization, null);
    assert.equal(summary.specificity, null);
    assert.equal(summary.score, null);
    assert.equal(summary.efficacy, 100);
    assert.deepEqual(forwardCalls, [1], "one row: both one-token targets read the prompt's row");
  });

  it("a prompt that fails to tokenize is named by record, case_id, group and index", () => {
    const bad = record("Paris", "Rome");
    bad.neighborhood_prompts[2] = "Zed lives in";
    assert.throws(
      () => evaluateCounterfact(stubModel, tokenizer, [record("Paris", "Rome"), bad]),
      /^Error: record 1 \(case_id 7\), neighborhood prompt 2: stub tokenizer: unknown word Zed$/,
    );
  });
});

describe("recordMetrics, summarizeRecords and harmonicMean", () => {
  const prompt = (newNll: number, trueNll: number, correct = false): PromptScores => ({
    prompt: "p",
    newNll,
    trueNll,
    newLogprob: -newNll,
    trueLogprob: -trueNll,
    correct,
  });

  it("averages per-record means, not per-prompt, and reports percentages", () => {
    const a = recordMetrics(
      [prompt(1, 2)],
      [prompt(1, 2), prompt(3, 2), prompt(3, 2), prompt(3, 2)],
      [prompt(1, 2)],
    );
    const b = recordMetrics([prompt(3, 1)], [prompt(1, 2, true)], [prompt(2, 1, true)]);
    assert.equal(a.generalization, 0.25);
    assert.equal(b.generalization, 1);
    assert.equal(a.specificity, 0);
    assert.equal(b.specificity, 1);
    const summary = summarizeRecords([{ metrics: a }, { metrics: b }]);
    assert.equal(summary.efficacy, 50);
    assert.equal(summary.generalization, 62.5); // (25 + 100) / 2, not 2/5 of the prompts
    assert.equal(summary.specificity, 50);
    assert.equal(summary.generalizationAccuracy, 50);
    const em = (Math.exp(-1) - Math.exp(-2) + (Math.exp(-3) - Math.exp(-1))) / 2;
    assert.ok(Math.abs(summary.efficacyMagnitude - em * 100) < 1e-12);
    assert.equal(summary.n, 2);
  });

  it("ties count as failures both ways", () => {
    const m = recordMetrics([prompt(1, 1)], [prompt(1, 1)], [prompt(1, 1)]);
    assert.deepEqual([m.efficacy, m.generalization, m.specificity], [0, 0, 0]);
  });

  it("harmonic mean as scipy.stats.hmean", () => {
    assert.ok(Math.abs(harmonicMean([100, 50, 25]) - 3 / (0.01 + 0.02 + 0.04)) < 1e-12);
    assert.equal(harmonicMean([0, 90, 100]), 0);
    assert.ok(Math.abs(harmonicMean([40, 40, 40]) - 40) < 1e-12);
    assert.throws(() => harmonicMean([]), /no values/);
    assert.throws(() => harmonicMean([-1, 2]), /≥ 0/);
  });
});
