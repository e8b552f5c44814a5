// Tests for src/tensor/elementwise.ts and src/tensor/compare.ts against plain loops.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  add,
  assertFinite,
  axpy,
  dot,
  fromArray,
  maxAbsDiff,
  mul,
  norm,
  relativeError,
  scale,
  sub,
  sum,
  toFloat32,
  zeros,
} from "../../src/tensor/index.js";

const a = fromArray(
  [
    [1, -2, 3],
    [4, 5, -6],
  ],
  "f64",
);
const b = fromArray(
  [
    [0.5, 1, 1.5],
    [-1, 0, 2],
  ],
  "f64",
);

test("add, sub, mul, scale give new tensors elementwise", () => {
  assert.deepEqual(Array.from(add(a, b).data), [1.5, -1, 4.5, 3, 5, -4]);
  assert.deepEqual(Array.from(sub(a, b).data), [0.5, -3, 1.5, 5, 5, -8]);
  assert.deepEqual(Array.from(mul(a, b).data), [0.5, -2, 4.5, -4, 0, -12]);
  assert.deepEqual(Array.from(scale(a, -2).data), [-2, 4, -6, -8, -10, 12]);
  assert.deepEqual(add(a, b).shape, [2, 3]);
  assert.equal(a.data[0], 1, "inputs are not modified");
  const single = add(toFloat32(a), toFloat32(b));
  assert.ok(single.data instanceof Float32Array);
});

test("axpy works in place on y and returns it", () => {
  const y = fromArray([1, 1, 1], "f32");
  const returned = axpy(2, fromArray([1, 2, 3], "f32"), y);
  assert.equal(returned, y);
  assert.deepEqual(Array.from(y.data), [3, 5, 7]);
});

test("dot, sum and norm accumulate in float64; norm survives huge and tiny values", () => {
  assert.equal(dot(a, b), 0.5 - 2 + 4.5 - 4 + 0 - 12);
  assert.equal(sum(a), 5);
  assert.ok(Math.abs(norm(a) - Math.sqrt(1 + 4 + 9 + 16 + 25 + 36)) < 1e-15);
  assert.equal(norm(zeros([3], "f64")), 0);
  assert.ok(Math.abs(norm(fromArray([3e200, 4e200], "f64")) / 5e200 - 1) < 1e-15);
  assert.ok(Math.abs(norm(fromArray([3e-200, 4e-200], "f64")) / 5e-200 - 1) < 1e-15);
  // float32 data: products are formed in float64, so 2^-20 squared is not lost.
  const small = fromArray([2 ** -20, 1], "f32");
  assert.equal(dot(small, small), 1 + 2 ** -40);
});

test("shape and dtype mismatches are errors that show both shapes", () => {
  assert.throws(() => add(a, fromArray([1, 2, 3], "f64")), /add: shapes differ: \[2, 3\] and \[3\]/);
  assert.throws(() => dot(a, toFloat32(a)), /dot: dtypes differ: Float64Array and Float32Array/);
  assert.throws(() => axpy(1, a, zeros([3, 2], "f64")), /axpy: shapes differ/);
});

test("maxAbsDiff and relativeError (max-norm, relative to the second argument)", () => {
  assert.equal(maxAbsDiff(a, b), 8);
  assert.equal(relativeError(a, b), 8 / 2);
  assert.equal(relativeError(a, a), 0);
  assert.equal(relativeError(zeros([2], "f64"), zeros([2], "f64")), 0);
  assert.ok(relativeError(fromArray([1e-10], "f64"), zeros([1], "f64")) > 1e100);
  assert.ok(Number.isNaN(maxAbsDiff(fromArray([NaN, 0], "f64"), fromArray([0, 0], "f64"))));
  // Mixed dtypes are allowed: comparing a float32 result with a float64 reference.
  assert.ok(relativeError(toFloat32(fromArray([0.1], "f64")), fromArray([0.1], "f64")) < 1e-7);
  assert.throws(() => maxAbsDiff(a, toFloat32(fromArray([1, 2], "f64"))), /maxAbsDiff: shapes differ/);
});

test("assertFinite names the argument and the multi-index of the first bad value", () => {
  assertFinite(a, "A");
  const bad = fromArray([1, 2, 3, 4, Infinity, 6], "f64", [2, 3]);
  assert.throws(
    () => assertFinite(bad, "covariance C"),
    /covariance C has a non-finite value Infinity at \[1, 1\]/,
  );
});
