// Tests for src/linalg/nullspace.ts (AlphaEdit's projector): against a projector built from a
// known eigenbasis, the projector identities (P = Pᵀ = P², trace = rank) and P·K₀ ≈ 0 for keys
// that live in the preserved subspace.
import { test } from "node:test";
import assert from "node:assert/strict";
import { nullSpaceBasis, nullSpaceProjector } from "../../src/linalg/index.js";
import {
  gram,
  matmul,
  maxAbsDiff,
  norm,
  toFloat32,
  transpose2d,
  wrap,
  zeros,
} from "../../src/tensor/index.js";
import { createRng } from "../../src/util/random.js";
import { denseFrom, naiveMatmul, withKnownEigenvalues } from "../native/reference.js";

test("projector equals Q₀·Q₀ᵀ for the known eigenvectors below the threshold", () => {
  // Eigenvalues below 2e-2 in absolute value: 1e-3, 0, −1e-4 (round-off-negative), 0.019.
  const eigenvalues = [4, 1e-3, 0.5, 0, 2, -1e-4, 0.019, 0.021];
  const n = eigenvalues.length;
  const { matrix, q } = withKnownEigenvalues(createRng(21), eigenvalues);
  const small = eigenvalues.flatMap((value, j) => (Math.abs(value) < 2e-2 ? [j] : []));
  const q0 = denseFrom(n, small.length, (i, r) => q[i * n + small[r]]);
  const expected = wrap(
    naiveMatmul(
      q0,
      denseFrom(small.length, n, (r, j) => q0[j * small.length + r]),
      n,
      small.length,
      n,
    ),
    [n, n],
  );
  const p = nullSpaceProjector(wrap(matrix, [n, n]), 2e-2);
  assert.ok(maxAbsDiff(p, expected) < 1e-13, `|P − Q₀Q₀ᵀ| = ${maxAbsDiff(p, expected)}`);
  assert.deepEqual(nullSpaceBasis(wrap(matrix, [n, n]), 2e-2).shape, [n, 4]);
  const p32 = nullSpaceProjector(toFloat32(wrap(matrix, [n, n])), 2e-2);
  assert.ok(p32.data instanceof Float32Array);
  assert.ok(maxAbsDiff(p32, expected) < 1e-5);
});

test("covariance of low-rank keys: P is a projector of the right rank and annihilates the keys", () => {
  const rng = createRng(22);
  const [dim, count, rank] = [24, 200, 9];
  // Keys K₀ = A·Z span a rank-9 subspace of R^24; C = K₀·K₀ᵀ / count.
  const mixing = wrap(rng.fillNormal(new Float64Array(dim * rank)), [dim, rank]);
  const keys = matmul(mixing, wrap(rng.fillNormal(new Float64Array(rank * count)), [rank, count]));
  const covariance = gram(keys, { alpha: 1 / count });
  const basis = nullSpaceBasis(covariance, 2e-2);
  assert.deepEqual(basis.shape, [dim, dim - rank]);
  const p = nullSpaceProjector(covariance, 2e-2);
  assert.ok(maxAbsDiff(p, transpose2d(p)) < 1e-14, "P = Pᵀ");
  assert.ok(maxAbsDiff(matmul(p, p), p) < 1e-13, "P² = P");
  let trace = 0;
  for (let i = 0; i < dim; i++) trace += p.data[i * dim + i];
  assert.ok(Math.abs(trace - (dim - rank)) < 1e-12, `trace ${trace}`);
  assert.ok(norm(matmul(p, keys)) < 1e-10 * norm(keys), "P·K₀ ≈ 0");
  // A threshold above every eigenvalue keeps everything: P = I.
  const everything = nullSpaceProjector(covariance, 1e9);
  let identityGap = 0;
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < dim; j++)
      identityGap = Math.max(identityGap, Math.abs(everything.data[i * dim + j] - (i === j ? 1 : 0)));
  assert.ok(identityGap < 1e-13);
});

test("a full-rank covariance gives the zero projector; bad thresholds are rejected", () => {
  const c = zeros([3, 3], "f64");
  for (let i = 0; i < 3; i++) c.data[i * 3 + i] = 1 + i;
  const p = nullSpaceProjector(c, 2e-2);
  assert.deepEqual(p.shape, [3, 3]);
  assert.ok(p.data.every((x) => x === 0));
  assert.deepEqual(nullSpaceBasis(c, 2e-2).shape, [3, 0]);
  assert.throws(() => nullSpaceProjector(c, 0), /threshold must be a positive finite number, got 0/);
  assert.throws(() => nullSpaceProjector(c, NaN), /got NaN/);
  assert.throws(() => nullSpaceProjector(zeros([2, 3], "f64"), 1), /eigh: A must be a square matrix/);
});
