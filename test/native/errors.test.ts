// Checks that the addon turns every malformed call into a JavaScript exception that names the
// function and the argument at fault: arrays too short, wrong array types, negative or
// non-integer sizes, small leading dimensions, sizes beyond 32-bit BLAS ints, non-finite LAPACK input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { native } from "../../src/native/binding.js";

/** The addon called with arguments the type system would refuse. */
const untyped = native as unknown as Record<string, (...args: unknown[]) => unknown>;

const f32 = (n: number) => new Float32Array(n);
const f64 = (n: number) => new Float64Array(n);

test("gemm: short arrays, bad offsets and small leading dimensions are rejected", () => {
  // 2×3 · 3×4 into 2×4.
  const call = (a: Float64Array, aOffset: number, lda: number, b: Float64Array, c: Float64Array, ldc = 4) =>
    native.dgemm(false, false, 2, 4, 3, 1, a, aOffset, lda, b, 0, 4, 0, c, 0, ldc);
  assert.doesNotThrow(() => call(f64(6), 0, 3, f64(12), f64(8)));
  assert.throws(
    () => call(f64(5), 0, 3, f64(12), f64(8)),
    /dgemm: matrix 'a' \(2 x 3, ld 3, offset 0\) needs 6/,
  );
  assert.throws(() => call(f64(6), 1, 3, f64(12), f64(8)), /matrix 'a' .* needs 7 elements, array has 6/);
  assert.throws(() => call(f64(6), 0, 3, f64(11), f64(8)), /matrix 'b'/);
  assert.throws(() => call(f64(6), 0, 3, f64(12), f64(7)), /matrix 'c'/);
  assert.throws(
    () => call(f64(6), 0, 2, f64(12), f64(8)),
    /matrix 'a': leading dimension 2 is smaller than its 3/,
  );
  assert.throws(() => call(f64(6), -1, 3, f64(12), f64(8)), /matrix 'a' has a negative size or offset/);
  // Transposed A is k×m = 3×2: lda 2 is now enough, 6 elements still needed.
  assert.doesNotThrow(() =>
    native.dgemm(true, false, 2, 4, 3, 1, f64(6), 0, 2, f64(12), 0, 4, 0, f64(8), 0, 4),
  );
});

test("gemm: wrong array types and non-numeric sizes are rejected by name", () => {
  assert.throws(
    () => untyped.sgemm(false, false, 1, 1, 1, 1, f64(1), 0, 1, f32(1), 0, 1, 0, f32(1), 0, 1),
    /sgemm: argument 'a' must be a Float32Array/,
  );
  assert.throws(
    () => untyped.dgemm(false, false, 1, 1, 1, 1, f64(1), 0, 1, [1], 0, 1, 0, f64(1), 0, 1),
    /dgemm: argument 'b' must be a Float64Array/,
  );
  assert.throws(
    () => untyped.dgemm(0, false, 1, 1, 1, 1, f64(1), 0, 1, f64(1), 0, 1, 0, f64(1), 0, 1),
    /argument 'transA' must be a boolean/,
  );
  for (const badSize of [-1, 1.5, NaN, Infinity, 1e300, "2"]) {
    assert.throws(
      () => untyped.dgemm(false, false, badSize, 1, 1, 1, f64(4), 0, 1, f64(4), 0, 1, 0, f64(4), 0, 1),
      /dgemm: (argument 'm' must be an integer|matrix 'a' has a negative size)/,
      `m = ${String(badSize)}`,
    );
  }
  assert.throws(() => untyped.dgemm(false, false, 1, 1), /dgemm: expected 16 arguments, got 4/);
});

test("sizes that do not fit a 32-bit BLAS int are rejected instead of silently truncated", () => {
  const c = f64(2);
  assert.throws(
    () => native.dgemm(false, false, 1, 1, 1, 1, f64(2), 0, 2 ** 32, f64(1), 0, 1, 0, c, 0, 1),
    /dgemm: matrix 'a': sizes and leading dimension must be below 2\^31/,
  );
});

test("syrk, potrf, potrs, syevd and gesdd check their arrays", () => {
  assert.throws(
    () => native.dsyrk(false, -1, 1, 1, f64(4), 0, 1, 0, f64(4), 1),
    /dsyrk: matrix 'a' has a negative/,
  );
  assert.throws(
    () => native.ssyrk(true, 3, 2, 1, f32(6), 0, 3, 0, f32(8), 3),
    /ssyrk: matrix 'c' .* needs 9/,
  );
  assert.throws(() => native.dpotrf(3, f64(8), 3), /dpotrf: matrix 'a' .* needs 9 elements, array has 8/);
  assert.throws(() => untyped.spotrf(2, f64(4), 2), /spotrf: argument 'a' must be a Float32Array/);
  assert.throws(() => native.dpotrs(2, 3, f64(4), 2, f64(5), 3), /dpotrs: matrix 'b'/);
  assert.throws(() => native.dsyevd(3, f64(9), f64(2)), /dsyevd: matrix 'w'/);
  assert.throws(() => native.ssyevd(-2, f32(4), f32(2)), /ssyevd: matrix 'a' has a negative size/);
  assert.throws(() => native.dgesdd(4, 3, f64(12), f64(3), f64(11), f64(9)), /dgesdd: matrix 'u'/);
  assert.throws(() => native.sgesdd(3, 4, f32(12), f32(2), f32(9), f32(12)), /sgesdd: matrix 's'/);
  assert.throws(() => native.dgesdd(3, 4, f64(12), f64(3), f64(9), f64(11)), /dgesdd: matrix 'vt'/);
});

test("syevd and gesdd refuse NaN and Inf instead of returning NaN", () => {
  assert.throws(
    () => native.dsyevd(2, new Float64Array([1, NaN, NaN, 1]), f64(2)),
    /dsyevd: matrix 'a' has a non-finite entry nan at \(0, 1\)/,
  );
  assert.throws(
    () => native.ssyevd(2, new Float32Array([1, 0, 0, -Infinity]), f32(2)),
    /non-finite entry -inf/,
  );
  assert.throws(
    () => native.dgesdd(2, 2, new Float64Array([1, 2, NaN, 1]), f64(2), f64(4), f64(4)),
    /dgesdd: matrix 'a' has a non-finite entry nan at \(1, 0\)/,
  );
});

test("zero-sized calls are no-ops", () => {
  const c = new Float64Array([5]);
  native.dgemm(false, false, 0, 1, 1, 1, f64(0), 0, 1, f64(1), 0, 1, 0, c, 0, 1);
  assert.equal(c[0], 5);
  native.dsyevd(0, f64(0), f64(0));
  native.dpotrf(0, f64(0), 1);
  native.dgesdd(0, 3, f64(0), f64(0), f64(0), f64(0));
});
