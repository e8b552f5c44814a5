// KVCache bookkeeping: position ids continue Hugging Face's cumsum(mask) − 1 convention across
// steps, growth keeps every stored key/value/mask in place (capacity doubles), and misuse (a
// layer that skipped a step, a wrong mask) is an error naming what was expected.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KVCache } from "../../src/models/kv-cache.js";
import { makeBatch } from "../../src/runtime/batch.js";

/** Extends by the mask and stores, in every layer, keys = marker(layer, row, slot) and values = −keys. */
function step(cache: KVCache, mask: number[][]): void {
  const T = mask[0].length;
  const W = cache.kvWidth;
  const start = cache.extend(Uint8Array.from(mask.flat()), T);
  for (let l = 0; l < cache.numLayers; l++) {
    const k = new Float32Array(cache.B * T * W);
    for (let b = 0; b < cache.B; b++)
      for (let t = 0; t < T; t++) k.fill(marker(l, b, start + t), (b * T + t) * W, (b * T + t + 1) * W);
    cache.store(l, k, W, k.map((x) => -x), W, T);
  }
}

const marker = (l: number, b: number, slot: number) => 1000 * l + 100 * b + slot + 1;

describe("KVCache", () => {
  it("position ids across steps equal makeBatch's over the whole left-padded sequence", () => {
    const whole = makeBatch([[4, 5, 6, 7, 8, 9], [1, 2], [3, 3, 3, 3]], { padSide: "left" });
    const cache = new KVCache({ B: 3, numLayers: 1, kvWidth: 2 });
    const positions: number[][] = [[], [], []];
    for (const [t0, t1] of [[0, 3], [3, 4], [4, 6]]) {
      const T = t1 - t0;
      const mask = new Uint8Array(3 * T);
      for (let b = 0; b < 3; b++) for (let t = 0; t < T; t++) mask[b * T + t] = whole.mask[b * whole.T + t0 + t];
      const p = cache.positionsFor(mask, T);
      for (let b = 0; b < 3; b++) positions[b].push(...p.subarray(b * T, (b + 1) * T));
      step(cache, Array.from({ length: 3 }, (_, b) => [...mask.subarray(b * T, (b + 1) * T)]));
    }
    assert.deepEqual(positions.flat(), [...whole.positions]);
    assert.deepEqual([0, 1, 2].map((b) => cache.realTokenCount(b)), [6, 2, 4]);
  });

  it("grows by doubling and keeps every stored slot", () => {
    const cache = new KVCache({ B: 2, numLayers: 2, kvWidth: 3 }, 2);
    const masks = [[[0, 1], [1, 1]], [[1], [0]], [[1, 1, 1], [1, 1, 1]], [[1], [1]]];
    const capacities: number[] = [];
    for (const mask of masks) {
      step(cache, mask);
      capacities.push(cache.capacity);
    }
    assert.deepEqual(capacities, [2, 4, 8, 8]);
    assert.equal(cache.length, 7);
    assert.equal(cache.floats, 2 * 2 * 2 * 8 * 3);
    const expectedMask = [masks.flatMap((m) => m[0]), masks.flatMap((m) => m[1])];
    for (let l = 0; l < 2; l++) {
      const { keys, values, mask, kvRows } = cache.layer(l);
      assert.equal(kvRows, 8);
      for (let b = 0; b < 2; b++)
        for (let slot = 0; slot < 7; slot++) {
          assert.equal(mask[b * kvRows + slot], expectedMask[b][slot], `mask row ${b} slot ${slot}`);
          for (let w = 0; w < 3; w++) {
            assert.equal(keys[(b * kvRows + slot) * 3 + w], marker(l, b, slot));
            assert.equal(values[(b * kvRows + slot) * 3 + w], -marker(l, b, slot));
          }
        }
    }
  });

  it("stores strided rows (views into a fused q|k|v buffer)", () => {
    const cache = new KVCache({ B: 1, numLayers: 1, kvWidth: 2 });
    cache.extend(Uint8Array.of(1, 1), 2);
    const fused = Float32Array.of(0, 0, 1, 2, 3, 4, 0, 0, 5, 6, 7, 8); // rows [q q | k k | v v]
    cache.store(0, fused.subarray(2), 6, fused.subarray(4), 6, 2);
    const { keys, values } = cache.layer(0);
    assert.deepEqual([...keys.subarray(0, 4)], [1, 2, 5, 6]);
    assert.deepEqual([...values.subarray(0, 4)], [3, 4, 7, 8]);
  });

  it("misuse is an error naming what was expected", () => {
    const cache = new KVCache({ B: 2, numLayers: 2, kvWidth: 1 });
    assert.throws(() => cache.positionsFor(new Uint8Array(3), 2), /mask has 3 entries, expected B·T = 2·2/);
    assert.throws(() => cache.extend(Uint8Array.of(1, 2), 1), /mask entry 1 is 2, expected 0 or 1/);
    assert.throws(() => cache.extend(new Uint8Array(0), 0), /at least one new token/);
    cache.extend(Uint8Array.of(1, 1), 1);
    assert.throws(() => cache.layer(0), /layer 0 has not stored the newest step/);
    cache.store(0, new Float32Array(2), 1, new Float32Array(2), 1, 1);
    assert.throws(() => cache.store(0, new Float32Array(2), 1, new Float32Array(2), 1, 1), /layer 0 stores 1 positions/);
    assert.throws(() => cache.extend(Uint8Array.of(1, 1), 1), /layer 1 did not store the previous step/);
    assert.throws(() => cache.layer(2), /outside the cache's 2 layers/);
    assert.throws(() => new KVCache({ B: 0, numLayers: 1, kvWidth: 1 }), /B must be a positive integer/);
  });
});
