// Symmetric eigendecomposition over LAPACK syevd: A = V·diag(values)·Vᵀ with eigenvalues in
// ascending order and orthonormal eigenvectors as the columns of V.
import { native } from "../native/binding.js";
import type { FloatData, Tensor } from "../tensor/index.js";
import { assertSymmetric, defaultSymmetryTolerance, expectSquare, type SymmetricOptions } from "./checks.js";

export interface Eigh<T extends FloatData> {
  /** Eigenvalues, ascending, shape [n]. */
  values: Tensor<T>;
  /** Eigenvectors as columns, shape [n, n]: column j belongs to values[j]. */
  vectors: Tensor<T>;
}

/** Eigendecomposition of a symmetric matrix (computed in its dtype; A is left intact). */
export function eigh<T extends FloatData>(a: Tensor<T>, options: SymmetricOptions = {}): Eigh<T> {
  const n = expectSquare(a, "eigh", "A");
  assertSymmetric(a, n, options.symmetryTolerance ?? defaultSymmetryTolerance(a.data), "eigh", "A");
  const vectors = a.data.slice() as T;
  const values = (vectors instanceof Float64Array ? new Float64Array(n) : new Float32Array(n)) as T;
  if (vectors instanceof Float64Array) native.dsyevd(n, vectors, values as Float64Array);
  else native.ssyevd(n, vectors as Float32Array, values as Float32Array);
  return { values: { data: values, shape: [n] }, vectors: { data: vectors, shape: [n, n] } };
}
