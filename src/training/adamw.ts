// AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", Algorithm 2), in the
// form of PyTorch's torch.optim.AdamW so results compare with it step for step:
//   θ ← θ − lr·λ·θ                        (decoupled decay, only on tensors marked for it)
//   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
//   θ ← θ − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
// State (m, v per tensor, the step count t) lives in this object so it can be checkpointed.
// The per-element loop runs natively (native/training.c), in float64 in the same order as the
// JavaScript loop it replaced, so results are bit for bit the same; it can also apply a
// global-norm clipping factor to each gradient on the way (one pass over the gradients, not two).
import { adamwStepInPlace } from "../tensor/adamw-step.js";

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWConfig = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

/** One optimised tensor: its name, values, and whether weight decay applies to it. */
export interface OptimizedTensor {
  name: string;
  param: Float32Array;
  decay: boolean;
}

export class AdamW {
  /** number of updates made so far (t of the next update is step + 1) */
  step = 0;
  readonly m = new Map<string, Float32Array>();
  readonly v = new Map<string, Float32Array>();

  constructor(
    readonly tensors: readonly OptimizedTensor[],
    readonly config: AdamWConfig,
  ) {
    for (const { name, param } of tensors) {
      this.m.set(name, new Float32Array(param.length));
      this.v.set(name, new Float32Array(param.length));
    }
  }

  /**
   * One update of every tensor with its gradient `grad(name)`, at learning rate `lr`. With
   * `gradScale` < 1 each gradient is first multiplied by it in place (global-norm clipping, see
   * gradients.ts), exactly as clipGlobalNorm would have done.
   */
  update(grad: (name: string) => Float32Array, lr: number, gradScale = 1): void {
    this.step++;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const stepSize = lr / (1 - beta1 ** this.step);
    const rootCorrection2 = Math.sqrt(1 - beta2 ** this.step);
    const decayFactor = 1 - lr * weightDecay;
    for (const { name, param, decay } of this.tensors) {
      const g = grad(name);
      if (g.length !== param.length)
        throw new Error(
          `AdamW: gradient of '${name}' has ${g.length} elements, the parameter ${param.length}`,
        );
      const [m, v] = [this.m.get(name)!, this.v.get(name)!];
      adamwStepInPlace(param, g, m, v, {
        gradScale,
        beta1,
        beta2,
        eps,
        stepSize,
        rootCorrection2,
        decayFactor: decay ? decayFactor : 1,
      });
    }
  }
}
