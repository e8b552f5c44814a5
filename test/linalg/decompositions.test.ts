// Tests for src/linalg/eigh.ts and src/linalg/svd.ts: known spectra, reconstruction and
// orthonormality against float64 references, f32 and f64, and argument errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { eigh, svd } from "../../src/linalg/index.js";
import {
  type Tensor,
  fromArray,
  matmul,
  relativeError,
  toFloat32,
  transpose2d,
  wrap,
  zeros,
  eye,
  sub,
  norm,
} from "../../src/tensor/index.js";
import { createRng } from "../../src/util/random.js";
import { naiveMatmul, orthonormalColumnsError, withKnownEigenvalues } from "../native/reference.js";

test("eigh recovers known eigenvalues (ascending) and eigenvectors up to sign", () => {
  const eigenvalues = [5, -1, 0.5, 3, -4, 2];
  const { matrix, q } = withKnownEigenvalues(createRng(11), eigenvalues);
  const n = eigenvalues.length;
  const { values, vectors } = eigh(wrap(matrix, [n, n]));
  const sorted = [...eigenvalues].sort((x, y) => x - y);
  assert.ok(relativeError(values, fromArray(sorted, "f64")) < 1e-14);
  // Column j of Q belongs to eigenvalues[j]; its match in V may differ in sign only.
  for (let j = 0; j < n; j++) {
    const column = sorted.indexOf(eigenvalues[j]);
    let overlap = 0;
    for (let i = 0; i < n; i++) overlap += q[i * n + j] * vectors.data[i * n + column];
    assert.ok(Math.abs(Math.abs(overlap) - 1) < 1e-13, `eigenvector ${j}: |overlap| = ${Math.abs(overlap)}`);
  }
  const values32 = eigh(toFloat32(wrap(matrix, [n, n]))).values;
  assert.ok(values32.data instanceof Float32Array);
  assert.ok(relativeError(values32, fromArray(sorted, "f64")) < 1e-5);
});

test("eigh of a random symmetric matrix: V·diag(w)·Vᵀ = A, VᵀV = I", () => {
  const rng = createRng(12);
  const n = 30;
  const a = zeros([n, n], "f64");
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) a.data[i * n + j] = a.data[j * n + i] = rng.normal();
  const { values, vectors } = eigh(a);
  const scaled = wrap(
    vectors.data.map((x, index) => x * values.data[index % n]),
    [n, n],
  );
  assert.ok(relativeError(matmul(scaled, vectors, { transB: true }), a) < 1e-13);
  assert.ok(orthonormalColumnsError(vectors.data, n, n) < 1e-13);
});

test("svd: U·diag(s)·Vᵀ = A for tall, wide and square; s descending", () => {
  const rng = createRng(13);
  for (const [m, n] of [
    [8, 3],
    [3, 8],
    [6, 6],
  ]) {
    for (const dtype of ["f64", "f32"] as const) {
      const a64 = wrap(rng.fillNormal(new Float64Array(m * n)), [m, n]);
      const a: Tensor = dtype === "f64" ? a64 : toFloat32(a64);
      const { u, s, vt } = svd(a);
      const k = Math.min(m, n);
      assert.deepEqual([u.shape, s.shape, vt.shape], [[m, k], [k], [k, n]]);
      for (let i = 1; i < k; i++) assert.ok(s.data[i - 1] >= s.data[i]);
      const us = Float64Array.from(u.data, (x, index) => x * s.data[index % k]);
      const rebuilt = wrap(naiveMatmul(us, vt.data, m, k, n), [m, n]);
      const tolerance = dtype === "f64" ? 1e-13 : 1e-5;
      assert.ok(relativeError(rebuilt, a) < tolerance, `${m}×${n} ${dtype}`);
      assert.ok(orthonormalColumnsError(u.data, m, k) < tolerance);
      assert.ok(orthonormalColumnsError(transpose2d(vt).data, n, k) < tolerance);
    }
  }
  // Singular values of a scaled orthogonal matrix are all equal to the scale.
  const { s } = svd(
    wrap(
      eye(4, "f64").data.map((x) => 3 * x),
      [4, 4],
    ),
  );
  assert.ok(norm(sub(s, fromArray([3, 3, 3, 3], "f64"))) < 1e-14);
});

test("eigh and svd errors name the argument", () => {
  assert.throws(() => eigh(zeros([3, 2], "f64")), /eigh: A must be a square matrix, got shape \[3, 2\]/);
  assert.throws(
    () =>
      eigh(
        fromArray(
          [
            [1, 2],
            [3, 4],
          ],
          "f64",
        ),
      ),
    /eigh: A is not symmetric/,
  );
  assert.throws(
    () =>
      eigh(
        fromArray(
          [
            [1, NaN],
            [NaN, 1],
          ],
          "f64",
        ),
      ),
    /eigh: A has a non-finite value NaN at \[0, 1\]/,
  );
  assert.throws(() => svd(zeros([3], "f64")), /svd: A must be a matrix, got shape \[3\]/);
  assert.throws(
    () => svd(fromArray([[1, -Infinity]], "f32")),
    /svd: A has a non-finite value -Infinity at \[0, 1\]/,
  );
});
