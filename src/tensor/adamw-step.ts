// The elementwise AdamW update (Loshchilov & Hutter 2019, Algorithm 2, in torch.optim.AdamW's
// form), in place over one parameter tensor and its moment buffers:
//   g ← s·g;  θ ← d·θ;  m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²
//   θ ← θ − stepSize · m / (√v / rootCorrection2 + ε)
// The loop runs natively (native/training.c) in float64 per element.
import { native } from "../native/binding.js";

export interface AdamWStep {
  /** gradient scale s (global-norm clipping factor; 1 for none); the gradient is scaled in place */
  gradScale: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** lr / (1 − β1^t) */
  stepSize: number;
  /** √(1 − β2^t) */
  rootCorrection2: number;
  /** d = 1 − lr·λ for decayed tensors, 1 otherwise */
  decayFactor: number;
}

/** One AdamW update of `param` (in place), its gradient and its moments m and v. */
export function adamwStepInPlace(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  step: AdamWStep,
): void {
  const { gradScale, beta1, beta2, eps, stepSize, rootCorrection2, decayFactor } = step;
  native.adamwUpdate(param, grad, m, v, gradScale, beta1, beta2, eps, stepSize, rootCorrection2, decayFactor);
}
