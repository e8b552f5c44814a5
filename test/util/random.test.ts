// Tests for src/util/random.ts: determinism, ranges and the moments of the normal generator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRng } from "../../src/util/random.js";

test("same seed gives the same sequence, different seeds differ", () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const seqA = Array.from({ length: 20 }, () => a.next());
  const seqB = Array.from({ length: 20 }, () => b.next());
  const seqC = Array.from({ length: 20 }, () => c.next());
  assert.deepEqual(seqA, seqB);
  assert.notDeepEqual(seqA, seqC);
});

test("the sequence for seed 1 is pinned, so fixtures generated from seeds stay stable", () => {
  // First outputs (as 32-bit integers) of the canonical mulberry32 with seed 1.
  const rng = createRng(1);
  const first = [rng.next(), rng.next(), rng.next()].map((x) => x * 4294967296);
  assert.deepEqual(first, [2693262067, 11749833, 2265367787]);
});

test("uniforms lie in [0, 1) with mean ≈ 1/2; int stays in range", () => {
  const rng = createRng(7);
  let sum = 0;
  const n = 20000;
  for (let i = 0; i < n; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / n - 0.5) < 0.01);
  const counts = new Array<number>(5).fill(0);
  for (let i = 0; i < 5000; i++) counts[rng.int(5)]++;
  for (const count of counts) assert.ok(count > 900 && count < 1100, `bucket count ${count}`);
  assert.throws(() => rng.int(0), /positive integer/);
  assert.throws(() => createRng(NaN), /finite/);
});

test("normals have mean ≈ 0 and variance ≈ 1; fillNormal honours mean and std", () => {
  const rng = createRng(123);
  const samples = rng.fillNormal(new Float64Array(40000));
  const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
  const variance = samples.reduce((s, x) => s + (x - mean) ** 2, 0) / samples.length;
  assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.03, `variance ${variance}`);
  const shifted = rng.fillNormal(new Float32Array(40000), 3, 0.5);
  const shiftedMean = shifted.reduce((s, x) => s + x, 0) / shifted.length;
  assert.ok(Math.abs(shiftedMean - 3) < 0.01, `mean ${shiftedMean}`);
  const uniform = rng.fillUniform(new Float32Array(1000), -2, -1);
  for (const x of uniform) assert.ok(x >= -2 && x <= -1);
});
