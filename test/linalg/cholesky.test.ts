// Tests for src/linalg/cholesky.ts: cholesky, choleskySolve and solveSpd against float64 references
// (L·Lᵀ and Gaussian elimination with pivoting), and their errors for bad arguments.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cholesky, choleskySolve, solveSpd } from "../../src/linalg/index.js";
import { fromArray, relativeError, toFloat32, wrap, zeros, type Tensor } from "../../src/tensor/index.js";
import { createRng } from "../../src/util/random.js";
import { naiveMatmul, naiveSolve, naiveTranspose, randomSpd } from "../native/reference.js";

function spd(seed: number, n: number): Tensor<Float64Array> {
  return wrap(randomSpd(createRng(seed), n, 0.5), [n, n]);
}

test("cholesky: lower-triangular L with L·Lᵀ = A (f64 and f32)", () => {
  for (const n of [1, 4, 37]) {
    const a = spd(n, n);
    const l = cholesky(a);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) assert.equal(l.data[i * n + j], 0);
    const llt = wrap(naiveMatmul(l.data, naiveTranspose(l.data, n, n), n, n, n), [n, n]);
    assert.ok(relativeError(llt, a) < 1e-14, `n=${n}`);
    const l32 = cholesky(toFloat32(a));
    assert.ok(l32.data instanceof Float32Array);
    assert.ok(relativeError(l32, l) < 1e-5, `n=${n} f32 vs f64 factor`);
  }
});

test("solveSpd and choleskySolve match Gaussian elimination, for vectors and matrices", () => {
  const rng = createRng(99);
  for (const [n, k] of [
    [1, 1],
    [6, 3],
    [50, 7],
  ]) {
    const a = spd(100 + n, n);
    const b = wrap(rng.fillNormal(new Float64Array(n * k)), [n, k]);
    const expected = wrap(naiveSolve(a.data, b.data, n, k), [n, k]);
    const x = solveSpd(a, b);
    assert.deepEqual(x.shape, [n, k]);
    assert.ok(relativeError(x, expected) < 1e-11, `n=${n} k=${k}: ${relativeError(x, expected)}`);
    assert.ok(relativeError(choleskySolve(cholesky(a), b), expected) < 1e-11);
    const x32 = solveSpd(toFloat32(a), toFloat32(b));
    assert.ok(x32.data instanceof Float32Array);
    assert.ok(relativeError(x32, expected) < 1e-4, `n=${n} f32: ${relativeError(x32, expected)}`);
    // A vector right-hand side keeps its 1-D shape.
    const column = wrap(
      b.data.filter((_, i) => i % k === 0),
      [n],
    );
    const xColumn = solveSpd(a, column);
    assert.deepEqual(xColumn.shape, [n]);
    assert.ok(relativeError(xColumn, wrap(naiveSolve(a.data, column.data, n, 1), [n])) < 1e-11);
  }
});

test("inputs are left intact", () => {
  const a = spd(5, 5);
  const b = wrap(createRng(6).fillNormal(new Float64Array(5)), [5]);
  const [aCopy, bCopy] = [a.data.slice(), b.data.slice()];
  solveSpd(a, b);
  cholesky(a);
  assert.deepEqual(a.data, aCopy);
  assert.deepEqual(b.data, bCopy);
});

test("errors name the function, the argument and what was expected", () => {
  const a = spd(7, 3);
  assert.throws(
    () => cholesky(zeros([2, 3], "f64")),
    /cholesky: A must be a square matrix, got shape \[2, 3\]/,
  );
  assert.throws(
    () => solveSpd(a, zeros([4, 2], "f64")),
    /solveSpd: B must have shape \[3\] or \[3, k\] .* got \[4, 2\]/,
  );
  assert.throws(
    () => solveSpd(a as Tensor, zeros([3], "f32") as Tensor),
    /solveSpd: B is Float32Array but the matrix is Float64Array/,
  );
  const withNaN = wrap(a.data.slice(), [3, 3]);
  withNaN.data[4] = NaN;
  assert.throws(
    () => solveSpd(withNaN, zeros([3], "f64")),
    /solveSpd: A has a non-finite value NaN at \[1, 1\]/,
  );
  const bWithInf = wrap(new Float64Array([1, Infinity, 0]), [3]);
  assert.throws(() => solveSpd(a, bWithInf), /solveSpd: B has a non-finite value Infinity at \[1\]/);
  const indefinite = fromArray(
    [
      [1, 2],
      [2, 1],
    ],
    "f64",
  );
  assert.throws(
    () => solveSpd(indefinite, zeros([2], "f64")),
    /solveSpd: the 2×2 matrix A: dpotrf: matrix is not positive definite/,
  );
  assert.throws(() => cholesky(toFloat32(indefinite)), /cholesky: .*spotrf: matrix is not positive definite/);
  const asymmetric = fromArray(
    [
      [2, 1],
      [0, 2],
    ],
    "f64",
  );
  assert.throws(() => cholesky(asymmetric), /cholesky: A is not symmetric: \|A\[1,0\] − A\[0,1\]\| = 1/);
  assert.doesNotThrow(() => cholesky(asymmetric, { symmetryTolerance: 1 }));
  const upper = fromArray(
    [
      [1, 1],
      [0, 1],
    ],
    "f64",
  );
  assert.throws(() => choleskySolve(upper, zeros([2], "f64")), /L must be lower triangular .* L\[0,1\] ≠ 0/);
});

test("solveSpd with overwriteA gives the same X and leaves A's factor in A's storage (no copy)", () => {
  const n = 30;
  const a = spd(31, n);
  const b = wrap(createRng(5).fillNormal(new Float64Array(n * 2)), [n, 2]);
  const expected = solveSpd(a, b);
  const factor = cholesky(a);
  const storage = a.data;
  const x = solveSpd(a, b, { overwriteA: true });
  assert.deepEqual(x.data, expected.data);
  assert.equal(a.data, storage);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) assert.equal(storage[i * n + j], factor.data[i * n + j], `L[${i},${j}]`);
});
