// Checks the addon's OpenBLAS thread-count round trip and its elementwise GELU (tanh form)
// against the formula evaluated in float64.
import { test } from "node:test";
import assert from "node:assert/strict";
import { native } from "../../src/native/binding.js";
import { createRng } from "../../src/util/random.js";

test("setNumThreads / getNumThreads round trip, old value restored", () => {
  const old = native.getNumThreads();
  assert.ok(Number.isInteger(old) && old >= 1, `getNumThreads() = ${old}`);
  try {
    native.setNumThreads(1);
    assert.equal(native.getNumThreads(), 1);
    assert.throws(() => native.setNumThreads(0), /setNumThreads: thread count must be between 1 and 1024/);
    assert.throws(() => native.setNumThreads(1.5), /setNumThreads: argument 'n' must be an integer/);
  } finally {
    native.setNumThreads(old);
  }
  assert.equal(native.getNumThreads(), old);
});

test("geluTanh matches 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) and works in place", () => {
  const rng = createRng(7007);
  const x = rng.fillNormal(new Float32Array(1000), 0, 3);
  x.set([0, -0, 10, -10, 40, -40], 0);
  const y = new Float32Array(x.length);
  native.geluTanh(x, y);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const expected = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    assert.ok(
      Math.abs(y[i] - expected) <= 4e-7 * Math.max(1, Math.abs(v)),
      `gelu(${v}) = ${y[i]}, want ${expected}`,
    );
  }
  const inPlace = Float32Array.from(x);
  native.geluTanh(inPlace, inPlace);
  assert.deepEqual(inPlace, y);
  assert.throws(() => native.geluTanh(f32(3), f32(2)), /geluTanh: output is shorter than input/);
});

function f32(n: number): Float32Array {
  return new Float32Array(n);
}
