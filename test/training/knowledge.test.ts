// The knowledge check: batched teacher-forced argmax equals the same check one probe at a time
// (no leak through padding), answer tokens are what the prompt's encoding is extended by, and
// the report splits train / held-out.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CausalLM } from "../../src/models/causal-lm.js";
import { makeBatch } from "../../src/runtime/batch.js";
import {
  knowledgeAccuracy,
  probesKnown,
  probeTokens,
  type KnowledgeProbe,
} from "../../src/training/knowledge.js";
import { DEFAULT_HYPERPARAMETERS, trainModel } from "../../src/training/trainer.js";
import { factDocuments, SUBJECTS } from "./corpus.js";

/**
 * Greedy decoding, one probe at a time, without padding: does it produce the answer's tokens? And
 * the decision's margin: the smallest |answer-token logit − best other logit| over the steps read.
 */
function greedyKnows(
  model: CausalLM,
  encode: (t: string) => number[],
  probe: KnowledgeProbe,
): { known: boolean; margin: number } {
  const { prompt, answer } = probeTokens(encode, probe);
  const ids = [...prompt];
  const V = model.config.vocabSize;
  let margin = Infinity;
  for (const target of answer) {
    const { logits } = model.forward(makeBatch([ids]), { logits: [{ row: 0, position: ids.length - 1 }] });
    const row = logits.subarray(0, V);
    const other = Math.max(...row.filter((_, v) => v !== target));
    margin = Math.min(margin, Math.abs(row[target] - other));
    if (row[target] < other) return { known: false, margin };
    ids.push(target);
  }
  return { known: true, margin };
}

describe("knowledge check", () => {
  const documents = factDocuments();
  const result = trainModel({
    documents,
    vocabSize: 300,
    shape: { arch: "llama", layers: 1, dim: 32, heads: 2 },
    hparams: { ...DEFAULT_HYPERPARAMETERS, steps: 60, batchSize: 8, seqLen: 32, lr: 1e-2, warmup: 4 },
    seed: 1,
  });
  const encode = (t: string) => result.tokenizer.encoder.encode(t);
  const probes: KnowledgeProbe[] = documents.map((doc, i) => {
    const cut = doc.lastIndexOf(" ");
    return {
      prompt: doc.slice(0, cut),
      answer: doc.slice(cut + 1),
      split: i % 4 === 3 ? "heldout" : "train",
    };
  });
  // the same facts in a phrasing never trained on
  for (const subject of SUBJECTS)
    probes.push({ prompt: `${subject} hails from`, answer: "Brakken.", split: "heldout" });

  it("answer tokens are what encoding prompt + ' ' + answer adds to the prompt's tokens", () => {
    const { prompt, answer } = probeTokens(encode, {
      prompt: "Varnok was born in",
      answer: "Brakken",
      split: "train",
    });
    assert.deepEqual([...prompt, ...answer], encode("Varnok was born in Brakken"));
    assert.deepEqual(answer, encode(" Brakken"));
  });

  it("batched (padded) results equal greedy decoding one probe at a time", () => {
    const batched = probesKnown(result.model, encode, probes, { batchSize: 7, padId: 0 });
    const greedy = probes.map((p) => greedyKnows(result.model, encode, p));
    const single = greedy.map((g) => g.known);
    // the padded batch computes the logits in other GEMM shapes (float32 rounding, ≲ 1e-5 of the
    // logits): equal answers are guaranteed where no decision is within 1e-4 of a tie
    const margin = Math.min(...greedy.map((g) => g.margin));
    assert.ok(margin >= 1e-4, `a probe's decision is within ${margin} of a tie`);
    assert.deepEqual(batched, single);
    assert.ok(
      single.some((k) => k) && single.some((k) => !k),
      "the tiny model knows some probes but not all",
    );
  });

  it("reports accuracy per split", () => {
    const known = probesKnown(result.model, encode, probes);
    const report = knowledgeAccuracy(result.model, encode, probes, { batchSize: 5 });
    const count = (split: string) => probes.filter((p, i) => p.split === split && known[i]).length;
    assert.equal(report.train.total, 24);
    assert.equal(report.heldout.total, 16);
    assert.equal(report.train.correct, count("train"));
    assert.equal(report.heldout.correct, count("heldout"));
    assert.equal(report.train.accuracy, report.train.correct / 24);
    assert.equal(report.train.tooLong + report.heldout.tooLong, 0);
  });

  it("counts a probe longer than the model's positions as too long (and not known)", () => {
    const long = { prompt: Array(40).fill("Varnok").join(" "), answer: "Brakken", split: "heldout" as const };
    const known = probesKnown(result.model, encode, [probes[0], long, probes[1]]);
    const [a, b] = probesKnown(result.model, encode, [probes[0], probes[1]]);
    assert.deepEqual(known, [a, null, b]);
    const report = knowledgeAccuracy(result.model, encode, [long]);
    assert.deepEqual(report.heldout, { correct: 0, total: 1, tooLong: 1, accuracy: 0 });
  });
});
