// Checks the addon's symmetric eigendecomposition (syevd), float32 and float64: A·V ≈ V·diag(w),
// VᵀV ≈ I, eigenvalues ascending and equal to known ones for a matrix built as Q·diag(λ)·Qᵀ;
// and n = 3072, where LAPACKE's float workspace query is too small, works in both precisions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { native } from "../../src/native/binding.js";
import { createRng } from "../../src/util/random.js";
import {
  epsilonOf,
  maxAbs,
  maxAbsDiff,
  orthonormalColumnsError,
  randomSymmetric,
  withKnownEigenvalues,
  type FloatArray,
  type FloatArrayConstructor,
} from "./reference.js";

type AnySyevd = (n: number, a: FloatArray, w: FloatArray) => void;

const dtypes: Array<{ name: string; ArrayType: FloatArrayConstructor; syevd: AnySyevd }> = [
  { name: "f32", ArrayType: Float32Array, syevd: native.ssyevd as AnySyevd },
  { name: "f64", ArrayType: Float64Array, syevd: native.dsyevd as AnySyevd },
];

/** max over the chosen columns j of |A·v_j − w_j·v_j|, A dense float64, V columns in `vectors`. */
function eigenResidual(
  a: ArrayLike<number>,
  vectors: FloatArray,
  w: FloatArray,
  n: number,
  columns: number[],
) {
  let worst = 0;
  for (const j of columns)
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let p = 0; p < n; p++) sum += a[i * n + p] * vectors[p * n + j];
      worst = Math.max(worst, Math.abs(sum - w[j] * vectors[i * n + j]));
    }
  return worst;
}

function assertAscending(w: FloatArray, label: string) {
  for (let i = 1; i < w.length; i++) assert.ok(w[i - 1] <= w[i], `${label}: w[${i - 1}] > w[${i}]`);
}

for (const { name, ArrayType, syevd } of dtypes) {
  test(`${name}syevd: A·V ≈ V·diag(w), VᵀV ≈ I, ascending, known eigenvalues recovered`, () => {
    const rng = createRng(4004);
    const eps = epsilonOf(ArrayType);
    for (const n of [1, 2, 7, 40]) {
      const a = Float64Array.from(ArrayType.from(randomSymmetric(rng, n)));
      const vectors = ArrayType.from(a);
      const w = new ArrayType(n);
      syevd(n, vectors, w);
      const all = Array.from({ length: n }, (_, j) => j);
      const scale = maxAbs(a) * n;
      assert.ok(eigenResidual(a, vectors, w, n, all) <= 8 * n * eps * scale, `n=${n}: eigen residual`);
      assert.ok(orthonormalColumnsError(vectors, n, n) <= 8 * n * eps, `n=${n}: VᵀV ≠ I`);
      assertAscending(w, `n=${n}`);
    }
    const known = [-3, -0.5, 0.25, 1, 2.5, 7];
    const built = withKnownEigenvalues(rng, known).matrix;
    const vectors = ArrayType.from(built);
    const w = new ArrayType(known.length);
    syevd(known.length, vectors, w);
    assert.ok(maxAbsDiff(w, known) <= 64 * eps * 7, `known eigenvalues: got ${Array.from(w)}`);
  });

  test(`${name}syevd works at n = 3072 (LAPACKE's float workspace query is too small there)`, () => {
    const n = 3072;
    const rng = createRng(5005);
    const a = Float64Array.from(ArrayType.from(randomSymmetric(rng, n)));
    const vectors = ArrayType.from(a);
    const w = new ArrayType(n);
    syevd(n, vectors, w);
    assertAscending(w, `n=${n}`);
    // Global checks that touch every eigenvalue: trace(A) = Σw and ‖A‖²_F = Σw².
    let trace = 0;
    let frobenius2 = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    for (let i = 0; i < a.length; i++) frobenius2 += a[i] * a[i];
    let sumW = 0;
    let sumW2 = 0;
    for (const x of w) {
      sumW += x;
      sumW2 += x * x;
    }
    const tolerance = ArrayType === Float32Array ? 1e-3 : 1e-10;
    assert.ok(Math.abs(sumW - trace) <= tolerance * Math.sqrt(frobenius2), `trace ${trace} vs Σw ${sumW}`);
    assert.ok(Math.abs(sumW2 - frobenius2) <= tolerance * frobenius2, `‖A‖² ${frobenius2} vs Σw² ${sumW2}`);
    // A few columns only: the smallest, a middle and the largest eigenpair.
    const columns = [0, 1, n >> 1, n - 1];
    const spectralNorm = Math.max(Math.abs(w[0]), Math.abs(w[n - 1]));
    const residual = eigenResidual(a, vectors, w, n, columns);
    assert.ok(residual <= 4 * n * epsilonOf(ArrayType) * spectralNorm, `A·v − w·v = ${residual}`);
    for (const j of columns)
      for (const k of columns) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += vectors[i * n + j] * vectors[i * n + k];
        const error = Math.abs(dot - (j === k ? 1 : 0));
        assert.ok(error <= 4 * n * epsilonOf(ArrayType), `v_${j}·v_${k} off by ${error}`);
      }
  });
}
