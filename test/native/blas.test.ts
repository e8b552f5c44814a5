// Checks the addon's GEMM and SYRK (src/native/binding.ts) against naive float64 loops on seeded
// random inputs: non-square shapes, every transpose combination, padded leading dimensions,
// non-zero offsets, alpha/beta away from 0/1, float32 and float64.
import { test } from "node:test";
import assert from "node:assert/strict";
import { native } from "../../src/native/binding.js";
import { createRng } from "../../src/util/random.js";
import {
  at,
  epsilonOf,
  randomStrided,
  type FloatArray,
  type FloatArrayConstructor,
  type StridedMatrix,
} from "./reference.js";

const dtypes: Array<{ name: string; ArrayType: FloatArrayConstructor }> = [
  { name: "f32", ArrayType: Float32Array },
  { name: "f64", ArrayType: Float64Array },
];

/**
 * [m, n, k] triples: degenerate, non-square, one-row and one-column products (which the addon runs
 * as GEMV), and one large enough to take OpenBLAS's blocked path.
 */
const gemmShapes: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 37, 19],
  [23, 1, 15],
  [1, 300, 64],
  [3, 5, 7],
  [17, 4, 9],
  [2, 31, 1],
  [64, 33, 80],
];

/** The addon's gemm/syrk with the array type widened, so one test body serves f32 and f64. */
type AnyGemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  lda: number,
  b: FloatArray,
  bOffset: number,
  ldb: number,
  beta: number,
  c: FloatArray,
  cOffset: number,
  ldc: number,
) => void;
type AnySyrk = (
  trans: boolean,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  aOffset: number,
  lda: number,
  beta: number,
  c: FloatArray,
  ldc: number,
) => void;

function gemmFor(ArrayType: FloatArrayConstructor): AnyGemm {
  return (ArrayType === Float32Array ? native.sgemm : native.dgemm) as AnyGemm;
}

/** Snapshot of every element of `c` outside the m×n window, to check that padding is untouched. */
function outsideWindow(c: StridedMatrix): number[] {
  const inside = new Set<number>();
  for (let i = 0; i < c.rows; i++) for (let j = 0; j < c.cols; j++) inside.add(c.offset + i * c.ld + j);
  return Array.from(c.data).filter((_, index) => !inside.has(index));
}

for (const { name, ArrayType } of dtypes) {
  test(`${name}gemm matches a float64 triple loop for all transposes, strides, offsets, alpha and beta`, () => {
    const rng = createRng(1001);
    const gemm = gemmFor(ArrayType);
    for (const [m, n, k] of gemmShapes)
      for (const transA of [false, true])
        for (const transB of [false, true]) {
          const strided = rng.next() < 0.7;
          const pad = () => (strided ? 1 + rng.int(4) : 0);
          const offset = () => (strided ? rng.int(5) : 0);
          const [aRows, aCols] = transA ? [k, m] : [m, k];
          const [bRows, bCols] = transB ? [n, k] : [k, n];
          const a = randomStrided(rng, ArrayType, aRows, aCols, aCols + pad(), offset());
          const b = randomStrided(rng, ArrayType, bRows, bCols, bCols + pad(), offset());
          const c = randomStrided(rng, ArrayType, m, n, n + pad(), offset());
          const alpha = 0.5 + 2 * rng.next();
          const beta = rng.next() < 0.2 ? 0 : -0.75 + rng.next();
          const opA = (i: number, p: number) => (transA ? at(a, p, i) : at(a, i, p));
          const opB = (p: number, j: number) => (transB ? at(b, j, p) : at(b, p, j));
          const expected: number[] = [];
          const bound: number[] = [];
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              let sum = 0;
              let sumAbs = 0;
              for (let p = 0; p < k; p++) {
                sum += opA(i, p) * opB(p, j);
                sumAbs += Math.abs(opA(i, p) * opB(p, j));
              }
              expected.push(alpha * sum + beta * at(c, i, j));
              // Standard GEMM error bound: (k + 2)·ε·(|α|·Σ|a·b| + |β·c|), doubled for headroom.
              bound.push(
                2 * (k + 2) * epsilonOf(ArrayType) * (alpha * sumAbs + Math.abs(beta * at(c, i, j))),
              );
            }
          const padding = outsideWindow(c);
          gemm(
            transA,
            transB,
            m,
            n,
            k,
            alpha,
            a.data,
            a.offset,
            a.ld,
            b.data,
            b.offset,
            b.ld,
            beta,
            c.data,
            c.offset,
            c.ld,
          );
          const label = `m=${m} n=${n} k=${k} transA=${transA} transB=${transB} lda=${a.ld} ldb=${b.ld} ldc=${c.ld}`;
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              const error = Math.abs(at(c, i, j) - expected[i * n + j]);
              assert.ok(error <= bound[i * n + j] + 1e-300, `${label}: C[${i},${j}] off by ${error}`);
            }
          assert.deepEqual(outsideWindow(c), padding, `${label}: elements outside C were written`);
        }
  });

  test(`${name}gemm with beta = 0 ignores NaN in C, and k = 0 scales C by beta`, () => {
    const gemm = gemmFor(ArrayType);
    const a = new ArrayType([1, 2, 3, 4]);
    const b = new ArrayType([5, 6, 7, 8]);
    const c = new ArrayType([NaN, NaN, NaN, NaN]);
    gemm(false, false, 2, 2, 2, 1, a, 0, 2, b, 0, 2, 0, c, 0, 2);
    assert.deepEqual(Array.from(c), [19, 22, 43, 50]);
    gemm(false, false, 2, 2, 0, 1, a, 0, 1, b, 0, 2, 0.5, c, 0, 2);
    assert.deepEqual(Array.from(c), [9.5, 11, 21.5, 25]);
  });

  test(`${name}syrk matches A·Aᵀ and Aᵀ·A with strides, offset, alpha, beta; both triangles filled`, () => {
    const rng = createRng(2002);
    const syrk = (ArrayType === Float32Array ? native.ssyrk : native.dsyrk) as AnySyrk;
    for (const [n, k] of [
      [1, 1],
      [5, 3],
      [4, 11],
      [40, 70],
    ])
      for (const trans of [false, true]) {
        const [aRows, aCols] = trans ? [k, n] : [n, k];
        const a = randomStrided(rng, ArrayType, aRows, aCols, aCols + rng.int(3), rng.int(4));
        const ldc = n + rng.int(3);
        const c = new ArrayType(n * ldc);
        // Symmetric initial C so that beta·C is well defined whichever triangle BLAS reads.
        for (let i = 0; i < n; i++)
          for (let j = 0; j <= i; j++) c[i * ldc + j] = c[j * ldc + i] = rng.normal();
        for (let i = 0; i < n; i++) for (let j = n; j < ldc; j++) c[i * ldc + j] = 1234.5;
        const before = Float64Array.from(c);
        const alpha = 0.3 + rng.next();
        const beta = -0.5 + rng.next();
        syrk(trans, n, k, alpha, a.data, a.offset, a.ld, beta, c, ldc);
        const opA = (i: number, p: number) => (trans ? at(a, p, i) : at(a, i, p));
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) {
            let sum = 0;
            let sumAbs = 0;
            for (let p = 0; p < k; p++) {
              sum += opA(i, p) * opA(j, p);
              sumAbs += Math.abs(opA(i, p) * opA(j, p));
            }
            const expected = alpha * sum + beta * before[i * ldc + j];
            const bound =
              2 * (k + 2) * epsilonOf(ArrayType) * (alpha * sumAbs + Math.abs(beta * before[i * ldc + j]));
            const error = Math.abs(c[i * ldc + j] - expected);
            assert.ok(error <= bound, `n=${n} k=${k} trans=${trans}: C[${i},${j}] off by ${error}`);
          }
          for (let j = n; j < ldc; j++)
            assert.equal(c[i * ldc + j], 1234.5, "padding column of C was written");
        }
      }
  });
}
