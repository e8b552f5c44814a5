// Linear layer y = x·Wᵀ + b with W stored [out, in] (locedit normalises every checkpoint to this
// layout at load time), and its backward. Both go through OpenBLAS sgemm.
import { native } from "../../native/binding.js";

/**
 * out (N, outF) = inp (N, inF) · weightᵀ (inF, outF) + bias; with `accumulate`, out += that
 * instead (a residual connection folded into the GEMM, as llm.c does).
 */
export function linearForward(
  out: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  bias: Float32Array | null,
  N: number,
  inF: number,
  outF: number,
  accumulate = false,
): void {
  if (bias && accumulate) {
    for (let n = 0; n < N; n++) {
      const row = n * outF;
      for (let o = 0; o < outF; o++) out[row + o] += bias[o];
    }
  } else if (bias) {
    for (let n = 0; n < N; n++) out.set(bias, n * outF);
  }
  const beta = bias || accumulate ? 1 : 0;
  native.sgemm(false, true, N, outF, inF, 1, inp, 0, inF, weight, 0, inF, beta, out, 0, outF);
}

/**
 * Accumulates gradients (+=): dinp (N, inF) += dout·W; dweight (outF, inF) += doutᵀ·inp;
 * dbias (outF) += Σ_n dout. Any of the three may be null when not needed.
 */
export function linearBackward(
  dinp: Float32Array | null,
  dweight: Float32Array | null,
  dbias: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  N: number,
  inF: number,
  outF: number,
): void {
  if (dinp) native.sgemm(false, false, N, inF, outF, 1, dout, 0, outF, weight, 0, inF, 1, dinp, 0, inF);
  if (dweight) native.sgemm(true, false, outF, inF, N, 1, dout, 0, outF, inp, 0, inF, 1, dweight, 0, inF);
  if (dbias) {
    for (let n = 0; n < N; n++) {
      const row = n * outF;
      for (let o = 0; o < outF; o++) dbias[o] += dout[row + o];
    }
  }
}
