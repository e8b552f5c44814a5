// LayerNorm (Ba et al. 2016): y = (x − mean) · rstd · w + b over the last dimension, with
// rstd = 1/√(var + eps); forward saves mean and rstd per row for the backward (as llm.c does).
// The loops run natively (native/fast/norms.c); a weight kept in 16 bits is widened per call.
import { native } from "../../native/binding.js";
import { vectorOf, type Weight } from "./weight.js";

/** out, mean, rstd are outputs; inp (N, C). */
export function layerNormForward(
  out: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  inp: Float32Array,
  weight: Weight,
  bias: Weight,
  N: number,
  C: number,
  eps: number,
): void {
  native.layerNormForward(out, mean, rstd, inp, vectorOf(weight), vectorOf(bias), N, C, eps);
}

/** Accumulates (+=) into dinp (N, C), dweight (C), dbias (C); dweight/dbias may be null. */
export function layerNormBackward(
  dinp: Float32Array,
  dweight: Float32Array | null,
  dbias: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  weight: Weight,
  mean: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
): void {
  native.layerNormBackward(dinp, dweight, dbias, dout, inp, vectorOf(weight), mean, rstd, N, C);
}
