// Thin singular value decomposition over LAPACK gesdd: A (m×n) = U·diag(s)·Vᵀ with k = min(m, n),
// U m×k and Vᵀ k×n with orthonormal columns/rows, s descending and non-negative.
import { native } from "../native/binding.js";
import { assertFinite, type FloatData, type Tensor } from "../tensor/index.js";

export interface Svd<T extends FloatData> {
  /** Left singular vectors as columns, shape [m, k]. */
  u: Tensor<T>;
  /** Singular values, descending, shape [k]. */
  s: Tensor<T>;
  /** Right singular vectors as rows, shape [k, n]. */
  vt: Tensor<T>;
}

/** Thin SVD of a 2-D matrix (computed in its dtype; A is left intact). */
export function svd<T extends FloatData>(a: Tensor<T>): Svd<T> {
  if (a.shape.length !== 2) throw new Error(`svd: A must be a matrix, got shape [${a.shape.join(", ")}]`);
  assertFinite(a, "svd: A");
  const [m, n] = a.shape;
  const k = Math.min(m, n);
  const make = (length: number) =>
    (a.data instanceof Float64Array ? new Float64Array(length) : new Float32Array(length)) as T;
  const s = make(k);
  const u = make(m * k);
  const vt = make(k * n);
  if (a.data instanceof Float64Array)
    native.dgesdd(m, n, a.data, s as Float64Array, u as Float64Array, vt as Float64Array);
  else native.sgesdd(m, n, a.data as Float32Array, s as Float32Array, u as Float32Array, vt as Float32Array);
  return { u: { data: u, shape: [m, k] }, s: { data: s, shape: [k] }, vt: { data: vt, shape: [k, n] } };
}
