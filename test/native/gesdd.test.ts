// Checks the addon's thin SVD (gesdd), float32 and float64, for tall, wide and square matrices:
// U·diag(s)·Vᵀ ≈ A, orthonormal U columns and Vᵀ rows, s descending and non-negative, A intact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { native } from "../../src/native/binding.js";
import { createRng } from "../../src/util/random.js";
import {
  epsilonOf,
  maxAbs,
  naiveMatmul,
  naiveTranspose,
  orthonormalColumnsError,
  type FloatArray,
  type FloatArrayConstructor,
} from "./reference.js";

type AnyGesdd = (m: number, n: number, a: FloatArray, s: FloatArray, u: FloatArray, vt: FloatArray) => void;

const dtypes: Array<{ name: string; ArrayType: FloatArrayConstructor; gesdd: AnyGesdd }> = [
  { name: "f32", ArrayType: Float32Array, gesdd: native.sgesdd as AnyGesdd },
  { name: "f64", ArrayType: Float64Array, gesdd: native.dgesdd as AnyGesdd },
];

for (const { name, ArrayType, gesdd } of dtypes) {
  test(`${name}gesdd: U·diag(s)·Vᵀ ≈ A with orthonormal U, V and descending s (tall, wide, square)`, () => {
    const rng = createRng(6006);
    const eps = epsilonOf(ArrayType);
    for (const [m, n] of [
      [1, 1],
      [7, 3],
      [3, 7],
      [9, 9],
      [60, 13],
      [13, 60],
    ]) {
      const k = Math.min(m, n);
      const a = rng.fillNormal(new ArrayType(m * n));
      const original = Float64Array.from(a);
      const s = new ArrayType(k);
      const u = new ArrayType(m * k);
      const vt = new ArrayType(k * n);
      gesdd(m, n, a, s, u, vt);
      const label = `${m}×${n}`;
      assert.deepEqual(Float64Array.from(a), original, `${label}: A was modified`);
      for (let i = 0; i < k; i++) {
        assert.ok(s[i] >= 0, `${label}: s[${i}] < 0`);
        if (i > 0) assert.ok(s[i - 1] >= s[i], `${label}: s not descending at ${i}`);
      }
      const us = Float64Array.from(u, (value, index) => value * s[index % k]);
      const rebuilt = naiveMatmul(us, vt, m, k, n);
      const error = maxAbs(rebuilt.map((value, index) => value - original[index]));
      assert.ok(error <= 16 * Math.max(m, n) * eps * s[0], `${label}: |U·S·Vᵀ − A| = ${error}`);
      assert.ok(orthonormalColumnsError(u, m, k) <= 16 * Math.max(m, n) * eps, `${label}: UᵀU ≠ I`);
      const v = naiveTranspose(vt, k, n);
      assert.ok(orthonormalColumnsError(v, n, k) <= 16 * Math.max(m, n) * eps, `${label}: VᵀV ≠ I`);
    }
  });

  test(`${name}gesdd recovers the singular values of a diagonal-times-permutation matrix`, () => {
    // A = P·diag(3, 1, 2) (4×3, extra zero row): singular values are 3, 2, 1 exactly.
    const a = new ArrayType([0, 1, 0, 3, 0, 0, 0, 0, 0, 0, 0, 2]);
    const s = new ArrayType(3);
    gesdd(4, 3, a, s, new ArrayType(12), new ArrayType(9));
    assert.ok(Math.abs(s[0] - 3) + Math.abs(s[1] - 2) + Math.abs(s[2] - 1) < 8 * eps3(ArrayType), `s = ${s}`);
  });
}

function eps3(ArrayType: FloatArrayConstructor): number {
  return 3 * epsilonOf(ArrayType);
}
