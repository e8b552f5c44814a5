// LayerNorm (Ba et al. 2016): y = (x − mean) · rstd · w + b over the last dimension, with
// rstd = 1/√(var + eps); forward saves mean and rstd per row for the backward (as llm.c does).
// The loops run natively (native/fast/norms.c).
import { native } from "../../native/binding.js";

/** out, mean, rstd are outputs; inp (N, C). */
export function layerNormForward(
  out: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  N: number,
  C: number,
  eps: number,
): void {
  native.layerNormForward(out, mean, rstd, inp, weight, bias, N, C, eps);
}

/** Accumulates (+=) into dinp (N, C), dweight (C), dbias (C); dweight/dbias may be null. */
export function layerNormBackward(
  dinp: Float32Array,
  dweight: Float32Array | null,
  dbias: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
): void {
  native.layerNormBackward(dinp, dweight, dbias, dout, inp, weight, mean, rstd, N, C);
}
