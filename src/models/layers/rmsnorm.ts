// RMSNorm (Zhang & Sennrich 2019), as in Llama: y = x · rstd · w with rstd = 1/√(mean(x²) + eps).
// The loops run natively (native/fast/norms.c); a weight kept in 16 bits is widened per call.
import { native } from "../../native/binding.js";
import { vectorOf, type Weight } from "./weight.js";

export function rmsNormForward(
  out: Float32Array,
  rstd: Float32Array,
  inp: Float32Array,
  weight: Weight,
  N: number,
  C: number,
  eps: number,
): void {
  native.rmsNormForward(out, rstd, inp, vectorOf(weight), N, C, eps);
}

/** Accumulates (+=) into dinp (N, C) and dweight (C, may be null). */
export function rmsNormBackward(
  dinp: Float32Array,
  dweight: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  weight: Weight,
  rstd: Float32Array,
  N: number,
  C: number,
): void {
  native.rmsNormBackward(dinp, dweight, dout, inp, vectorOf(weight), rstd, N, C);
}
