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

/** X with A·X = B by Gaussian elimination with partial pivoting, in float64 (A n×n, B n×k). */
export function naiveSolve(a: ArrayLike<number>, b: ArrayLike<number>, n: number, k: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++)
      if (Math.abs(m[row * n + col]) > Math.abs(m[pivot * n + col])) pivot = row;
    if (m[pivot * n + col] === 0) throw new Error("naiveSolve: singular matrix");
    for (let j = 0; j < n; j++) [m[col * n + j], m[pivot * n + j]] = [m[pivot * n + j], m[col * n + j]];
    for (let j = 0; j < k; j++) [x[col * k + j], x[pivot * k + j]] = [x[pivot * k + j], x[col * k + j]];
    for (let row = col + 1; row < n; row++) {
      const factor = m[row * n + col] / m[col * n + col];
      for (let j = col; j < n; j++) m[row * n + j] -= factor * m[col * n + j];
      for (let j = 0; j < k; j++) x[row * k + j] -= factor * x[col * k + j];
    }
  }
  for (let row = n - 1; row >= 0; row--)
    for (let j = 0; j < k; j++) {
      let value = x[row * k + j];
      for (let p = row + 1; p < n; p++) value -= m[row * n + p] * x[p * k + j];
      x[row * k + j] = value / m[row * n + row];
    }
  return x;
}

/** Q·diag(λ)·Qᵀ and Q for Q = I − 2·v·vᵀ/(vᵀv), a Householder reflection (orthogonal, symmetric). */
export function withKnownEigenvalues(
  rng: Rng,
  eigenvalues: number[],
): { matrix: Float64Array; q: Float64Array } {
  const n = eigenvalues.length;
  const v = rng.fillNormal(new Float64Array(n));
  const vv = v.reduce((sum, x) => sum + x * x, 0);
  const q = denseFrom(n, n, (i, j) => (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv);
  const qLambda = q.map((value, index) => value * eigenvalues[index % n]);
  return { matrix: naiveMatmul(qLambda, q, n, n, n), q }; // Q symmetric, so Qᵀ = Q
}

/** Copies a dense rows×cols matrix into a buffer with leading dimension ld; padding = 777 (a sentinel). */
export function padded(
  ArrayType: FloatArrayConstructor,
  dense: ArrayLike<number>,
  rows: number,
  cols: number,
  ld: number,
): FloatArray {
  const out = new ArrayType(rows * ld).fill(777);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * ld + j] = dense[i * cols + j];
  return out;
}

/** The dense rows×cols matrix held in a buffer with leading dimension ld, in float64. */
export function unpadded(data: FloatArray, rows: number, cols: number, ld: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[i * cols + j] = data[i * ld + j];
  return out;
}
