// Plain TypeScript references for the native addon tests (and for tensor/linalg tests): naive
// float64 triple loops over row-major strided matrices, random matrix builders and error measures.
// Nothing here calls the addon, so a bug in it cannot hide a bug in the addon.
import type { Rng } from "../../src/util/random.js";

export type FloatArray = Float32Array | Float64Array;
export type FloatArrayConstructor = Float32ArrayConstructor | Float64ArrayConstructor;

/** A row-major strided matrix inside a flat array: element (i, j) is data[offset + i·ld + j]. */
export interface StridedMatrix {
  data: FloatArray;
  offset: number;
  ld: number;
  rows: number;
  cols: number;
}

export function at(matrix: StridedMatrix, i: number, j: number): number {
  return matrix.data[matrix.offset + i * matrix.ld + j];
}

/** A rows×cols matrix filled with N(0, 1) at `offset` with leading dimension `ld`; padding is NaN-free noise. */
export function randomStrided(
  rng: Rng,
  ArrayType: FloatArrayConstructor,
  rows: number,
  cols: number,
  ld = cols,
  offset = 0,
): StridedMatrix {
  const length = offset + Math.max(0, rows - 1) * ld + cols + 3;
  const data = rng.fillNormal(new ArrayType(length));
  return { data, offset, ld, rows, cols };
}

/** Dense row-major m×n matrix as float64, from an element function. */
export function denseFrom(
  rows: number,
  cols: number,
  element: (i: number, j: number) => number,
): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = element(i, j);
  return out;
}

/** Naive float64 product of dense row-major matrices: (m×k)·(k×n). */
export function naiveMatmul(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  m: number,
  k: number,
  n: number,
): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
      out[i * n + j] = sum;
    }
  return out;
}

/** Dense transpose of a row-major rows×cols matrix. */
export function naiveTranspose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  return denseFrom(cols, rows, (i, j) => a[j * cols + i]);
}

/** Random symmetric n×n matrix (float64), entries N(0, 1). */
export function randomSymmetric(rng: Rng, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      const value = rng.normal();
      out[i * n + j] = value;
      out[j * n + i] = value;
    }
  return out;
}

/** Random symmetric positive-definite n×n matrix: MᵀM/n + shift·I with M n×n Gaussian. */
export function randomSpd(rng: Rng, n: number, shift = 1): Float64Array {
  const m = rng.fillNormal(new Float64Array(n * n));
  const gram = naiveMatmul(naiveTranspose(m, n, n), m, n, n, n);
  for (let i = 0; i < gram.length; i++) gram[i] /= n;
  for (let i = 0; i < n; i++) gram[i * n + i] += shift;
  return gram;
}

/** Largest absolute elementwise difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths differ (${a.length} vs ${b.length})`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const diff = Math.abs(a[i] - b[i]);
    if (Number.isNaN(diff)) return NaN;
    if (diff > worst) worst = diff;
  }
  return worst;
}

/** Largest absolute value; NaN if any element is NaN (Math.max propagates it). */
export function maxAbs(a: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]));
  return worst;
}

/** max |VᵀV − I| for a dense rows×cols matrix V (columns should be orthonormal). */
export function orthonormalColumnsError(v: ArrayLike<number>, rows: number, cols: number): number {
  const gram = naiveMatmul(naiveTranspose(v, rows, cols), v, cols, rows, cols);
  for (let i = 0; i < cols; i++) gram[i * cols + i] -= 1;
  return maxAbs(gram);
}

/** Machine epsilon of the array type. */
export function epsilonOf(ArrayType: FloatArrayConstructor): number {
  return ArrayType === Float32Array ? 2 ** -23 : 2 ** -52;
}
