// Linear layer y = x·Wᵀ + b with W stored [out, in] (locedit normalises every checkpoint to this
// layout at load time), and its backward. W is float32 (OpenBLAS sgemm) or kept in its stored
// 16-bit dtype (weight.ts: the addon widens it a panel at a time and runs sgemm on each panel).
import { native } from "../../native/binding.js";
import { HalfTensor, vectorOf, type Weight } from "./weight.js";

/** C (m, n) = alpha·op(A)·op(W) + beta·C, A and C float32 row-major, W float32 or 16-bit. */
export function gemmWeight(
  transA: boolean,
  transW: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  w: Weight,
  ldw: number,
  beta: number,
  c: Float32Array,
  ldc: number,
): void {
  if (w instanceof HalfTensor)
    native.gemmHalf(w.dtype, transA, transW, m, n, k, alpha, a, 0, lda, w.bits, 0, ldw, beta, c, 0, ldc);
  else native.sgemm(transA, transW, m, n, k, alpha, a, 0, lda, w, 0, ldw, beta, c, 0, ldc);
}

/**
 * out (N, outF) = inp (N, inF) · weightᵀ (inF, outF) + bias; with `accumulate`, out += that
 * instead (a residual connection folded into the GEMM, as llm.c does).
 */
export function linearForward(
  out: Float32Array,
  inp: Float32Array,
  weight: Weight,
  bias: Weight | null,
  N: number,
  inF: number,
  outF: number,
  accumulate = false,
): void {
  const b = bias && vectorOf(bias);
  if (b && accumulate) {
    for (let n = 0; n < N; n++) {
      const row = n * outF;
      for (let o = 0; o < outF; o++) out[row + o] += b[o];
    }
  } else if (b) {
    for (let n = 0; n < N; n++) out.set(b, n * outF);
  }
  const beta = b || accumulate ? 1 : 0;
  gemmWeight(false, true, N, outF, inF, 1, inp, inF, weight, inF, beta, out, outF);
}

/**
 * Accumulates gradients (+=): dinp (N, inF) += dout·W; dweight (outF, inF) += doutᵀ·inp;
 * dbias (outF) += Σ_n dout. Any of the three may be null when not needed. Gradients are float32
 * whatever dtype W is kept in (dinp reads W; dweight and dbias never do).
 */
export function linearBackward(
  dinp: Float32Array | null,
  dweight: Float32Array | null,
  dbias: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  weight: Weight,
  N: number,
  inF: number,
  outF: number,
): void {
  if (dinp) gemmWeight(false, false, N, inF, outF, 1, dout, outF, weight, inF, 1, dinp, inF);
  if (dweight) native.sgemm(true, false, outF, inF, N, 1, dout, 0, outF, inp, 0, inF, 1, dweight, 0, inF);
  if (dbias) {
    for (let n = 0; n < N; n++) {
      const row = n * outF;
      for (let o = 0; o < outF; o++) dbias[o] += dout[row + o];
    }
  }
}
