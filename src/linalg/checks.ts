// Argument checks shared by the linalg functions: 2-D and square shapes, matching dtypes and
// row counts, finite values and symmetry, each error naming the function and argument at fault.
import { assertFinite, type FloatData, type Tensor } from "../tensor/index.js";

/** Throws unless `a` is a finite n×n matrix; returns n. */
export function expectSquare(a: Tensor, fn: string, name: string): number {
  if (a.shape.length !== 2 || a.shape[0] !== a.shape[1])
    throw new Error(`${fn}: ${name} must be a square matrix, got shape [${a.shape.join(", ")}]`);
  assertFinite(a, `${fn}: ${name}`);
  return a.shape[0];
}

/** Throws unless `b` is finite, shares a's dtype and has n rows (vector of n, or n×k). Returns k. */
export function expectRightHandSide(b: Tensor, n: number, like: Tensor, fn: string, name: string): number {
  if (b.data.constructor !== like.data.constructor)
    throw new Error(
      `${fn}: ${name} is ${b.data.constructor.name} but the matrix is ${like.data.constructor.name}`,
    );
  const rowsOk = (b.shape.length === 1 || b.shape.length === 2) && b.shape[0] === n;
  if (!rowsOk)
    throw new Error(
      `${fn}: ${name} must have shape [${n}] or [${n}, k] to match the ${n}×${n} matrix, got [${b.shape.join(", ")}]`,
    );
  assertFinite(b, `${fn}: ${name}`);
  return b.shape.length === 1 ? 1 : b.shape[1];
}

/** Default symmetry tolerance, relative to max|A|: loose enough for float32 round-off. */
export function defaultSymmetryTolerance(data: FloatData): number {
  return data instanceof Float64Array ? 1e-10 : 1e-5;
}

/**
 * Throws unless max|A_ij − A_ji| ≤ tolerance·max|A|. LAPACK reads one triangle only, so an
 * asymmetric input would otherwise give a silently wrong answer.
 */
export function assertSymmetric(a: Tensor, n: number, tolerance: number, fn: string, name: string): void {
  let largest = 0;
  for (let i = 0; i < a.data.length; i++) largest = Math.max(largest, Math.abs(a.data[i]));
  for (let i = 0; i < n; i++)
    for (let j = 0; j < i; j++) {
      const gap = Math.abs(a.data[i * n + j] - a.data[j * n + i]);
      if (gap > tolerance * largest)
        throw new Error(
          `${fn}: ${name} is not symmetric: |${name}[${i},${j}] − ${name}[${j},${i}]| = ${gap} exceeds ` +
            `${tolerance} × max|${name}| = ${tolerance * largest}; symmetrize it or pass symmetryTolerance`,
        );
    }
}

export interface SymmetricOptions {
  /** Allowed max|A − Aᵀ| relative to max|A| (default 1e-10 for float64, 1e-5 for float32). */
  symmetryTolerance?: number;
}
