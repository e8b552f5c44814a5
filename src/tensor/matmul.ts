// Matrix products of 2-D tensors through the native OpenBLAS addon: matmul (GEMM with optional
// transposes, alpha, and accumulation into an existing output), gram (SYRK: A·Aᵀ or Aᵀ·A, also
// accumulating), transpose2d and trace. Float32 and float64; both operands must share a dtype.
import { native } from "../native/binding.js";
import { allocLike, expectRank, type FloatData, type Tensor } from "./tensor.js";

export interface MatmulOptions<T extends FloatData> {
  /** Use Aᵀ instead of A. */
  transA?: boolean;
  /** Use Bᵀ instead of B. */
  transB?: boolean;
  /** Scales the product (default 1). */
  alpha?: number;
  /** Write into this m×n tensor instead of a new one; with `beta`, out = alpha·op(A)·op(B) + beta·out. */
  out?: Tensor<T>;
  /** Weight of the previous contents of `out` (default 0; needs `out`). */
  beta?: number;
}

function sameDtype(a: Tensor, b: Tensor, what: string): void {
  if (a.data.constructor !== b.data.constructor)
    throw new Error(
      `${what}: operands must share a dtype, got ${a.data.constructor.name} and ${b.data.constructor.name}`,
    );
}

/** alpha·op(A)·op(B) (+ beta·out) for 2-D A, B; op(A) is m×k, op(B) is k×n, the result m×n. */
export function matmul<T extends FloatData>(
  a: Tensor<T>,
  b: Tensor<T>,
  options: MatmulOptions<T> = {},
): Tensor<T> {
  const { transA = false, transB = false, alpha = 1, out, beta = 0 } = options;
  const [aRows, aCols] = expectRank(a, 2, "matmul: A");
  const [bRows, bCols] = expectRank(b, 2, "matmul: B");
  sameDtype(a, b, "matmul");
  const [m, k] = transA ? [aCols, aRows] : [aRows, aCols];
  const [kB, n] = transB ? [bCols, bRows] : [bRows, bCols];
  if (k !== kB)
    throw new Error(
      `matmul: inner dimensions differ: op(A) is ${m}×${k} (A [${a.shape.join(", ")}]${transA ? "ᵀ" : ""}), ` +
        `op(B) is ${kB}×${n} (B [${b.shape.join(", ")}]${transB ? "ᵀ" : ""})`,
    );
  if (beta !== 0 && !out) throw new Error("matmul: beta needs an `out` tensor to accumulate into");
  let result: Tensor<T>;
  if (out) {
    const [outRows, outCols] = expectRank(out, 2, "matmul: out");
    sameDtype(a, out, "matmul (out)");
    if (outRows !== m || outCols !== n)
      throw new Error(`matmul: out has shape [${out.shape.join(", ")}], the product is [${m}, ${n}]`);
    result = out;
  } else {
    result = { data: allocLike(a.data, m * n), shape: [m, n] };
  }
  const args = [transA, transB, m, n, k, alpha] as const;
  if (a.data instanceof Float64Array)
    native.dgemm(
      ...args,
      a.data,
      0,
      Math.max(1, aCols),
      b.data as Float64Array,
      0,
      Math.max(1, bCols),
      beta,
      result.data as Float64Array,
      0,
      Math.max(1, n),
    );
  else
    native.sgemm(
      ...args,
      a.data,
      0,
      Math.max(1, aCols),
      b.data as Float32Array,
      0,
      Math.max(1, bCols),
      beta,
      result.data as Float32Array,
      0,
      Math.max(1, n),
    );
  return result;
}

export interface GramOptions<T extends FloatData> {
  /** A is k×n and the result Aᵀ·A (default: A is n×k and the result A·Aᵀ) */
  trans?: boolean;
  /** scales the product (default 1) */
  alpha?: number;
  /** write into this symmetric n×n tensor; with `beta`, out = alpha·A·Aᵀ + beta·out (only its upper triangle is read) */
  out?: Tensor<T>;
  /** weight of the previous contents of `out` (default 0; needs `out`) */
  beta?: number;
}

/** Symmetric Gram matrix: alpha·A·Aᵀ (n×n for A n×k), or alpha·Aᵀ·A when `trans` (A k×n) (+ beta·out). Uses SYRK. */
export function gram<T extends FloatData>(a: Tensor<T>, options: GramOptions<T> = {}): Tensor<T> {
  const { trans = false, alpha = 1, out, beta = 0 } = options;
  const [rows, cols] = expectRank(a, 2, "gram: A");
  const [n, k] = trans ? [cols, rows] : [rows, cols];
  if (beta !== 0 && !out) throw new Error("gram: beta needs an `out` tensor to accumulate into");
  let result: Tensor<T>;
  if (out) {
    const [outRows, outCols] = expectRank(out, 2, "gram: out");
    sameDtype(a, out, "gram (out)");
    if (outRows !== n || outCols !== n)
      throw new Error(`gram: out has shape [${out.shape.join(", ")}], the product is [${n}, ${n}]`);
    result = out;
  } else {
    result = { data: allocLike(a.data, n * n), shape: [n, n] };
  }
  const lda = Math.max(1, cols);
  const ldc = Math.max(1, n);
  if (a.data instanceof Float64Array)
    native.dsyrk(trans, n, k, alpha, a.data, 0, lda, beta, result.data as Float64Array, ldc);
  else native.ssyrk(trans, n, k, alpha, a.data, 0, lda, beta, result.data as Float32Array, ldc);
  return result;
}

/** A new tensor holding Aᵀ. */
export function transpose2d<T extends FloatData>(a: Tensor<T>): Tensor<T> {
  const [rows, cols] = expectRank(a, 2, "transpose2d: A");
  const out = allocLike(a.data, rows * cols);
  // Blocked so that both the reads and the writes stay within a few cache lines.
  const block = 32;
  for (let i0 = 0; i0 < rows; i0 += block)
    for (let j0 = 0; j0 < cols; j0 += block) {
      const iEnd = Math.min(rows, i0 + block);
      const jEnd = Math.min(cols, j0 + block);
      for (let i = i0; i < iEnd; i++)
        for (let j = j0; j < jEnd; j++) out[j * rows + i] = a.data[i * cols + j];
    }
  return { data: out, shape: [cols, rows] };
}

/** Σ_i A_ii of a square matrix, accumulated in float64. */
export function trace(a: Tensor): number {
  const [rows, cols] = expectRank(a, 2, "trace: A");
  if (rows !== cols) throw new Error(`trace: A must be square, got shape [${a.shape.join(", ")}]`);
  let total = 0;
  for (let i = 0; i < rows; i++) total += a.data[i * cols + i];
  return total;
}
