// Batched pair scoring against one-by-one scoring: scoreTextPairs equals scoreContinuation per
// pair on real tokenizers (GPT-2 and Llama with BOS), and scoreTokenPairs in padded chunks equals
// each pair run alone (unpadded) on the golden GPT-2 / GPT-J / Llama fixtures, prefix-shared rows
// included; argmaxCorrect equals an independent argmax; rows are shared where a sequence is a
// prefix of another.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readCounterfactFile } from "../../../src/data/counterfact/parse.js";
import {
  scoreTextPairs,
  scoreTokenPairs,
  type TokenPair,
} from "../../../src/eval/counterfact/batch-score.js";
import type { CausalLM } from "../../../src/models/causal-lm.js";
import { loadModel } from "../../../src/models/load.js";
import { makeBatch } from "../../../src/runtime/batch.js";
import { logSoftmax } from "../../../src/runtime/loss.js";
import { scoreContinuation } from "../../../src/runtime/score.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { createRng } from "../../../src/util/random.js";
import { fixtureDir, repoRoot } from "../../models/golden-helpers.js";

/** |a − b| ≤ 1e-5 · max(1, |b|): float32 logits summed over a few tokens, in different GEMM shapes. */
function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));
}

/** The pair alone in a batch of one (no padding), scored with a full log-softmax per token. */
function scoreAlone(model: CausalLM, pair: TokenPair) {
  const ids = [...pair.promptIds, ...pair.targetIds.slice(0, -1)];
  const start = pair.promptIds.length - 1;
  const positions = pair.targetIds.map((_, j) => ({ row: 0, position: start + j }));
  const { logits } = model.forward(makeBatch([ids]), { logits: positions });
  const V = model.config.vocabSize;
  let logprob = 0;
  let argmaxCorrect = true;
  pair.targetIds.forEach((id, j) => {
    const row = logSoftmax(logits, j * V, V);
    logprob += row[id];
    argmaxCorrect &&= row.every((value) => value <= row[id]);
  });
  return { logprob, argmaxCorrect };
}

describe("scoreTextPairs equals scoreContinuation per pair", () => {
  for (const name of ["tiny-facts", "tiny-random-llama"]) {
    it(`on models/${name} (batched, padded, shared prompts)`, async () => {
      const dir = join(repoRoot, "models", name);
      const model = loadModel(dir);
      const tokenizer = await loadTokenizer(dir);
      const records = readCounterfactFile(join(repoRoot, "models", "tiny-facts", "eval", "counterfact.json"));
      const pairs = records.slice(0, 6).flatMap((r) =>
        [...r.paraphrase_prompts, ...r.neighborhood_prompts.slice(0, 3)].flatMap((prompt) => [
          { prompt, target: ` ${r.requested_rewrite.target_new.str}` },
          { prompt, target: ` ${r.requested_rewrite.target_true.str}` },
        ]),
      );
      pairs.push({ prompt: "The", target: " capital city of the far north" }, { prompt: "x", target: "y z" });
      const scores = scoreTextPairs(model, tokenizer, pairs, { batchRows: 7 });
      pairs.forEach((pair, i) => {
        const one = scoreContinuation(model, tokenizer, pair.prompt, pair.target);
        const s = scores[i];
        assert.equal(s.tokens, one.targetIds.length);
        assert.ok(
          close(s.logprob, one.logprob),
          `pair ${i}: batched ${s.logprob} vs one by one ${one.logprob}`,
        );
        assert.ok(close(s.nll, -one.logprob / one.targetIds.length));
      });
    });
  }
});

describe("scoreTokenPairs in padded chunks equals each pair alone", () => {
  const rng = createRng(7);
  const randomIds = (n: number, V: number) => Array.from({ length: n }, () => rng.int(V));
  for (const name of ["gpt2-tiny", "gptj-tiny", "llama-tiny"]) {
    it(`on ${name}`, () => {
      const model = loadModel(fixtureDir(name));
      const V = model.config.vocabSize;
      const pairs: TokenPair[] = [];
      for (let i = 0; i < 12; i++) {
        const promptIds = randomIds(1 + rng.int(9), V);
        // two one-token targets share the prompt's row; a longer target extends it
        pairs.push({ promptIds, targetIds: randomIds(1, V) }, { promptIds, targetIds: randomIds(1, V) });
        pairs.push({ promptIds, targetIds: randomIds(2 + rng.int(3), V) });
      }
      const longer = pairs[2];
      // a prompt that is the prompt + target prefix of another pair, and an exact duplicate
      pairs.push({
        promptIds: [...longer.promptIds, longer.targetIds[0]],
        targetIds: longer.targetIds.slice(1),
      });
      pairs.push({ ...pairs[0] });
      // force some pairs to be argmax-correct: the argmax of the prompt's next token
      for (const pair of pairs.slice(0, 6)) {
        const { logits } = model.forward(makeBatch([[...pair.promptIds]]), {
          logits: [{ row: 0, position: pair.promptIds.length - 1 }],
        });
        let best = 0;
        for (let v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;
        pairs.push({ promptIds: pair.promptIds, targetIds: [best] });
      }
      for (const batchRows of [1, 5, 64]) {
        const scores = scoreTokenPairs(model, pairs, { batchRows, padId: 1 });
        pairs.forEach((pair, i) => {
          const alone = scoreAlone(model, pair);
          const s = scores[i];
          assert.ok(
            close(s.logprob, alone.logprob),
            `${name} batchRows ${batchRows} pair ${i}: ${s.logprob} vs ${alone.logprob}`,
          );
          assert.equal(s.tokens, pair.targetIds.length);
          assert.equal(s.argmaxCorrect, alone.argmaxCorrect, `pair ${i} argmax`);
        });
        assert.ok(scores.slice(-6).every((s) => s.argmaxCorrect));
      }
    });
  }

  it("shares a row between sequences where one is a prefix of another", () => {
    const model = loadModel(fixtureDir("gpt2-tiny"));
    const totals: number[] = [];
    const pairs: TokenPair[] = [
      { promptIds: [5, 6, 7], targetIds: [8] }, // row [5, 6, 7]
      { promptIds: [5, 6, 7], targetIds: [9] }, // same row
      { promptIds: [5, 6], targetIds: [7, 8] }, // same row: [5, 6, 7]
      { promptIds: [5, 6, 7], targetIds: [8, 9, 10] }, // row [5, 6, 7, 8, 9] holds all the above
      { promptIds: [4], targetIds: [3] }, // a second row
    ];
    scoreTokenPairs(model, pairs, { onProgress: (_, total) => totals.push(total) });
    assert.deepEqual(totals, [2]);
  });

  it("rejects empty prompts or targets, ids outside the vocabulary and bad batch sizes", () => {
    const model = loadModel(fixtureDir("gpt2-tiny"));
    const V = model.config.vocabSize;
    assert.throws(
      () => scoreTokenPairs(model, [{ promptIds: [], targetIds: [1] }]),
      /pair 0: the prompt has no tokens/,
    );
    assert.throws(
      () =>
        scoreTokenPairs(model, [
          { promptIds: [1], targetIds: [1] },
          { promptIds: [1], targetIds: [] },
        ]),
      /pair 1: the target has no tokens/,
    );
    assert.throws(
      () => scoreTokenPairs(model, [{ promptIds: [1], targetIds: [V] }]),
      /outside the vocabulary/,
    );
    assert.throws(
      () => scoreTokenPairs(model, [{ promptIds: [1], targetIds: [2] }], { batchRows: 0 }),
      /batchRows/,
    );
    assert.deepEqual(scoreTokenPairs(model, []), []);
  });
});
