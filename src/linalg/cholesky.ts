// Cholesky factorisation and symmetric positive-definite solves over LAPACK potrf/potrs:
// cholesky(A) = L with A = L·Lᵀ, choleskySolve(L, B) = (L·Lᵀ)⁻¹·B, solveSpd(A, B) = A⁻¹·B.
// Solve, never invert: this is how MEMIT's (λ·C0 + K·Kᵀ)⁻¹ is applied.
import { native } from "../native/binding.js";
import type { FloatData, Tensor } from "../tensor/index.js";
import {
  assertSymmetric,
  defaultSymmetryTolerance,
  expectRightHandSide,
  expectSquare,
  type SymmetricOptions,
} from "./checks.js";

/** Lower-triangular L (zeros above the diagonal) with A = L·Lᵀ; A must be symmetric positive definite. */
export function cholesky<T extends FloatData>(a: Tensor<T>, options: SymmetricOptions = {}): Tensor<T> {
  const n = expectSquare(a, "cholesky", "A");
  assertSymmetric(a, n, options.symmetryTolerance ?? defaultSymmetryTolerance(a.data), "cholesky", "A");
  return factor(a, n, "cholesky");
}

function factor<T extends FloatData>(a: Tensor<T>, n: number, fn: string, inPlace = false): Tensor<T> {
  const l = inPlace ? a.data : (a.data.slice() as T);
  try {
    if (l instanceof Float64Array) native.dpotrf(n, l, Math.max(1, n));
    else native.spotrf(n, l as Float32Array, Math.max(1, n));
  } catch (error) {
    throw new Error(`${fn}: the ${n}×${n} matrix A: ${(error as Error).message}`, { cause: error });
  }
  return { data: l, shape: [n, n] };
}

/** X with (L·Lᵀ)·X = B, for L from `cholesky`; B is a vector of n or an n×k matrix (X has B's shape). */
export function choleskySolve<T extends FloatData>(l: Tensor<T>, b: Tensor<T>): Tensor<T> {
  const n = expectSquare(l, "choleskySolve", "L");
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      if (l.data[i * n + j] !== 0)
        throw new Error(
          `choleskySolve: L must be lower triangular (as cholesky returns), but L[${i},${j}] ≠ 0`,
        );
  return substitute(l, b, n, "choleskySolve");
}

function substitute<T extends FloatData>(l: Tensor<T>, b: Tensor<T>, n: number, fn: string): Tensor<T> {
  const k = expectRightHandSide(b, n, l, fn, "B");
  const x = b.data.slice() as T;
  const ld = Math.max(1, n);
  if (x instanceof Float64Array) native.dpotrs(n, k, l.data as Float64Array, ld, x, Math.max(1, k));
  else native.spotrs(n, k, l.data as Float32Array, ld, x as Float32Array, Math.max(1, k));
  return { data: x, shape: [...b.shape] };
}

/**
 * X with A·X = B for symmetric positive-definite A (n×n); B is a vector of n or an n×k matrix.
 * With `overwriteA`, A's storage receives the factorisation (no n² copy: for d_ff = 14,336 that
 * copy is 1.6 GB); A's contents are then undefined, also when this throws.
 */
export function solveSpd<T extends FloatData>(
  a: Tensor<T>,
  b: Tensor<T>,
  options: SymmetricOptions & { overwriteA?: boolean } = {},
): Tensor<T> {
  const n = expectSquare(a, "solveSpd", "A");
  expectRightHandSide(b, n, a, "solveSpd", "B");
  assertSymmetric(a, n, options.symmetryTolerance ?? defaultSymmetryTolerance(a.data), "solveSpd", "A");
  return substitute(factor(a, n, "solveSpd", options.overwriteA), b, n, "solveSpd");
}
