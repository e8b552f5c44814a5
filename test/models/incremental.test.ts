// Incremental decoding with a KV cache equals the full forward: on every golden tiny model, a
// left-padded batch of rows of different lengths run as a prefill plus token-by-token steps
// gives the full forward's logits at every position, padding included (≤ 1e-5 relative), whatever the chunking;
// logit selection, cache/model mismatch and position overflow are checked too.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { IncrementalTokens } from "../../src/models/causal-lm.js";
import { loadModel } from "../../src/models/load.js";
import type { Batch } from "../../src/models/types.js";
import { makeBatch } from "../../src/runtime/batch.js";
import { fixtureDir, relativeError } from "./golden-helpers.js";

/** Columns [t0, t1) of a batch as new tokens for forwardIncremental. */
function columns(batch: Batch, t0: number, t1: number): IncrementalTokens {
  const T = t1 - t0;
  const ids = new Int32Array(batch.B * T);
  const mask = new Uint8Array(batch.B * T);
  for (let b = 0; b < batch.B; b++) {
    ids.set(batch.ids.subarray(b * batch.T + t0, b * batch.T + t1), b * T);
    mask.set(batch.mask.subarray(b * batch.T + t0, b * batch.T + t1), b * T);
  }
  return { B: batch.B, T, ids, mask };
}

/** Logits (B·T, V) of the whole batch from incremental calls over the column chunks [cuts[i], cuts[i+1]). */
function incrementalLogits(name: string, batch: Batch, cuts: number[], capacity: number): Float32Array {
  const model = loadModel(fixtureDir(name));
  const V = model.config.vocabSize;
  const cache = model.newKVCache(batch.B, capacity);
  const logits = new Float32Array(batch.B * batch.T * V);
  for (let c = 0; c + 1 < cuts.length; c++) {
    const [t0, t1] = [cuts[c], cuts[c + 1]];
    const res = model.forwardIncremental(columns(batch, t0, t1), cache, { logits: "all" });
    for (let b = 0; b < batch.B; b++)
      for (let t = t0; t < t1; t++) {
        const from = (b * (t1 - t0) + t - t0) * V;
        logits.set(res.logits.subarray(from, from + V), (b * batch.T + t) * V);
      }
  }
  assert.equal(cache.length, batch.T);
  return logits;
}

const prompts = [
  [5, 17, 33, 2, 9, 60, 4, 8, 21],
  [7, 8, 99, 3],
  [11, 12, 13, 14, 15, 16],
];

const MODELS = [
  "gpt2-tiny",
  "gptj-tiny",
  "llama-tiny",
  "llama-tiny-tied-rope3",
  "qwen2-tiny",
  "qwen3-tiny",
  "mistral-tiny",
  "gpt-neox-tiny",
  "gpt-neox-tiny-sequential",
];

for (const name of MODELS) {
  describe(`incremental forward with a KV cache on ${name}`, () => {
    const model = loadModel(fixtureDir(name));
    const V = model.config.vocabSize;
    const batch = makeBatch(prompts, { padSide: "left" });
    const full = model.forward(batch).logits;
    const T = batch.T;

    it("prefill + token-by-token steps give the full forward's logits at every position", () => {
      const steps = [0, 5, ...Array.from({ length: T - 5 }, (_, i) => 6 + i)];
      const ours = incrementalLogits(name, batch, steps, 2); // capacity 2: the cache grows 3 times
      const err = relativeError(ours, full, V);
      assert.ok(err <= 1e-5, `relative error ${err.toExponential(2)}`);
    });

    it("prefill in one chunk, in uneven chunks and token by token agree", () => {
      const whole = incrementalLogits(name, batch, [0, T], T);
      const uneven = incrementalLogits(name, batch, [0, 2, 3, 7, T], T);
      const single = incrementalLogits(name, batch, Array.from({ length: T + 1 }, (_, t) => t), 1);
      for (const [label, ours] of [
        ["uneven", uneven],
        ["token by token", single],
      ] as const) {
        const err = relativeError(ours, whole, V);
        assert.ok(err <= 1e-5, `${label}: relative error ${err.toExponential(2)}`);
      }
      assert.ok(relativeError(whole, full, V) <= 1e-5);
    });

    it("default logits are each row's last new token; positions pick rows; none skips the head", () => {
      const cache = model.newKVCache(batch.B);
      const prefill = model.forwardIncremental(columns(batch, 0, T - 1), cache, { logits: "none" });
      assert.equal(prefill.logits.length, 0);
      assert.deepEqual([...prefill.positions.subarray(0, T - 1)], [...batch.positions.subarray(0, T - 1)]);
      const last = model.forwardIncremental(columns(batch, T - 1, T), cache);
      assert.deepEqual([...last.logitRows], [0, 1, 2]);
      assert.deepEqual([...last.positions], [8, 3, 5]);
      for (let b = 0; b < batch.B; b++) {
        const ref = full.subarray((b * T + T - 1) * V, (b * T + T) * V);
        assert.ok(relativeError(last.logits.subarray(b * V, (b + 1) * V), ref, V) <= 1e-5, `row ${b}`);
      }
      const again = model.newKVCache(batch.B);
      const picked = model.forwardIncremental(columns(batch, 0, T), again, {
        logits: [
          { row: 2, position: T - 2 },
          { row: 0, position: 1 },
        ],
      });
      assert.deepEqual([...picked.logitRows], [2 * T + T - 2, 1]);
    });

    it("a cache of another shape, or of another batch size, is refused", () => {
      const other = model.newKVCache(2);
      assert.throws(() => model.forwardIncremental(columns(batch, 0, 2), other), /does not fit 3 rows/);
      assert.throws(
        () => model.forwardIncremental({ B: 3, T: 2, ids: new Int32Array(5) }, model.newKVCache(3)),
        /5 token ids, expected B·T = 3·2/,
      );
    });
  });
}

describe("incremental forward on GPT-2 past its learned positions", () => {
  it("is an error naming the limit, and leaves the cache as it was", () => {
    const model = loadModel(fixtureDir("gpt2-tiny"));
    const cache = model.newKVCache(1);
    const ids = Int32Array.from({ length: 32 }, (_, i) => (i % 90) + 1);
    model.forwardIncremental({ B: 1, T: 32, ids }, cache, { logits: "none" });
    assert.throws(
      () => model.forwardIncremental({ B: 1, T: 1, ids: Int32Array.of(3) }, cache),
      /position 32 exceeds the model's 32 positions/,
    );
    assert.equal(cache.length, 32);
    assert.equal(cache.realTokenCount(0), 32);
  });
});

describe("a sliding-window model past its window (Mistral, Qwen with use_sliding_window)", () => {
  const model = loadModel(fixtureDir("mistral-tiny")); // sliding_window 64
  const window = 64;
  const ids = (n: number) => Array.from({ length: n }, (_, i) => (i % 300) + 1);

  it("runs up to the window and refuses one position more, naming sliding_window", () => {
    model.forward(makeBatch([ids(window)]), { logits: "none" });
    assert.throws(
      () => model.forward(makeBatch([ids(window + 1)]), { logits: "none" }),
      /position 64 exceeds the model's 64 positions \(sliding_window = 64: locedit runs mistral models without the window, exactly, up to that length\)/,
    );
  });

  it("the KV cache stops at the window too, leaving the cache as it was", () => {
    const cache = model.newKVCache(1);
    model.forwardIncremental({ B: 1, T: window, ids: Int32Array.from(ids(window)) }, cache, { logits: "none" });
    assert.throws(() => model.forwardIncremental({ B: 1, T: 1, ids: Int32Array.of(3) }, cache), /sliding_window = 64/);
    assert.equal(cache.length, window);
  });

  it("left padding does not count: a padded batch row of 64 real tokens runs", () => {
    const batch = makeBatch([ids(window), ids(10)], { padSide: "left" });
    model.forward(batch, { logits: "none" });
  });
});
