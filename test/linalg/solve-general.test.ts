// Tests for src/linalg/solve-general.ts: solveGeneral against a float64 Gaussian-elimination
// reference on non-symmetric matrices (including AlphaEdit's P·(K·Kᵀ) + L2·I shape), residuals,
// f32/f64, vector and matrix right-hand sides, and its errors for bad shapes and singular input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { nullSpaceProjector, solveGeneral } from "../../src/linalg/index.js";
import { fromArray, relativeError, toFloat32, wrap, zeros, type Tensor } from "../../src/tensor/index.js";
import { createRng } from "../../src/util/random.js";
import { maxAbs, naiveMatmul, naiveSolve, naiveTranspose } from "../native/reference.js";

function randomSquare(seed: number, n: number): Tensor<Float64Array> {
  const data = createRng(seed).fillNormal(new Float64Array(n * n));
  for (let i = 0; i < n; i++) data[i * n + i] += 2 * Math.sqrt(n);
  return wrap(data, [n, n]);
}

test("solveGeneral matches Gaussian elimination for vectors and matrices (f64 and f32)", () => {
  const rng = createRng(17);
  for (const [n, k] of [
    [1, 1],
    [5, 2],
    [40, 6],
  ]) {
    const a = randomSquare(n, n);
    const b = wrap(rng.fillNormal(new Float64Array(n * k)), [n, k]);
    const expected = wrap(naiveSolve(a.data, b.data, n, k), [n, k]);
    const x = solveGeneral(a, b);
    assert.deepEqual(x.shape, [n, k]);
    assert.ok(x.data instanceof Float64Array);
    assert.ok(relativeError(x, expected) < 1e-12, `n=${n}: ${relativeError(x, expected)}`);
    const residual = naiveMatmul(a.data, x.data, n, n, k).map((value, index) => value - b.data[index]);
    assert.ok(maxAbs(residual) < 1e-12 * n * maxAbs(b.data), `n=${n}: residual ${maxAbs(residual)}`);
    const x32 = solveGeneral(toFloat32(a), toFloat32(b));
    assert.ok(x32.data instanceof Float32Array);
    assert.ok(relativeError(x32, expected) < 1e-4, `n=${n} f32: ${relativeError(x32, expected)}`);
    const column = wrap(
      b.data.filter((_, i) => i % k === 0),
      [n],
    );
    const xColumn = solveGeneral(a, column);
    assert.deepEqual(xColumn.shape, [n]);
    assert.ok(relativeError(xColumn, wrap(naiveSolve(a.data, column.data, n, 1), [n])) < 1e-12);
  }
});

test("solveGeneral solves AlphaEdit's non-symmetric P·(K·Kᵀ) + L2·I", () => {
  const [d, count, n] = [12, 5, 3];
  const rng = createRng(5);
  // C0 with a few tiny eigenvalues so the projector keeps a 3-dimensional null space.
  const basis = rng.fillNormal(new Float64Array(d * (d - n)));
  const c0 = wrap(naiveMatmul(basis, naiveTranspose(basis, d, d - n), d, d - n, d), [d, d]);
  const p = nullSpaceProjector(c0, 1e-8);
  const keys = rng.fillNormal(new Float64Array(d * count));
  const kkt = naiveMatmul(keys, naiveTranspose(keys, d, count), d, count, d);
  const m = naiveMatmul(p.data, kkt, d, d, d);
  for (let i = 0; i < d; i++) m[i * d + i] += 10;
  let asymmetry = 0;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < i; j++) asymmetry = Math.max(asymmetry, Math.abs(m[i * d + j] - m[j * d + i]));
  assert.ok(asymmetry > 1e-3, "the matrix should not be symmetric");
  const rhs = rng.fillNormal(new Float64Array(d * 4));
  const x = solveGeneral(wrap(m, [d, d]), wrap(rhs, [d, 4]));
  assert.ok(relativeError(x, wrap(naiveSolve(m, rhs, d, 4), [d, 4])) < 1e-12);
});

test("solveGeneral leaves its inputs intact", () => {
  const a = randomSquare(3, 4);
  const b = wrap(createRng(4).fillNormal(new Float64Array(4)), [4]);
  const [aCopy, bCopy] = [a.data.slice(), b.data.slice()];
  solveGeneral(a, b);
  assert.deepEqual(a.data, aCopy);
  assert.deepEqual(b.data, bCopy);
});

test("solveGeneral errors name the argument and what was expected", () => {
  const a = randomSquare(8, 3);
  assert.throws(
    () => solveGeneral(zeros([2, 3], "f64"), zeros([2], "f64")),
    /solveGeneral: A must be a square matrix, got shape \[2, 3\]/,
  );
  assert.throws(
    () => solveGeneral(a, zeros([4, 2], "f64")),
    /solveGeneral: B must have shape \[3\] or \[3, k\] .* got \[4, 2\]/,
  );
  assert.throws(() => solveGeneral(a, zeros([3, 1, 1], "f64")), /B must have shape \[3\] or \[3, k\]/);
  assert.throws(
    () => solveGeneral(a as Tensor, zeros([3], "f32") as Tensor),
    /solveGeneral: B is Float32Array but the matrix is Float64Array/,
  );
  const withNaN = wrap(a.data.slice(), [3, 3]);
  withNaN.data[5] = NaN;
  assert.throws(
    () => solveGeneral(withNaN, zeros([3], "f64")),
    /solveGeneral: A has a non-finite value NaN at \[1, 2\]/,
  );
  assert.throws(
    () => solveGeneral(a, wrap(new Float64Array([0, 0, Infinity]), [3])),
    /solveGeneral: B has a non-finite value Infinity at \[2\]/,
  );
  const singular = fromArray(
    [
      [1, 2],
      [2, 4],
    ],
    "f64",
  );
  assert.throws(
    () => solveGeneral(singular, zeros([2], "f64")),
    /solveGeneral: the 2×2 matrix A: dgesv: matrix 'a' is singular: U\(1,1\) .* exactly zero/,
  );
  assert.throws(() => solveGeneral(toFloat32(singular), zeros([2], "f32")), /sgesv: matrix 'a' is singular/);
  // Not exactly singular (U(1,1) = 2⁻⁵²) but with no correct digit: refused by the condition check.
  const nearly = fromArray(
    [
      [1, 1],
      [1, 1 + 2 ** -52],
    ],
    "f64",
  );
  assert.throws(
    () => solveGeneral(nearly, zeros([2], "f64")),
    /solveGeneral: the 2×2 matrix A is singular to working precision: estimated reciprocal condition number .* < 2\.220e-16/,
  );
  assert.doesNotThrow(() => solveGeneral(nearly, zeros([2], "f64"), { minRcond: 0 }));
});
