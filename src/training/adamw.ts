// AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization", Algorithm 2), in the
// form of PyTorch's torch.optim.AdamW so results compare with it step for step:
//   θ ← θ − lr·λ·θ                        (decoupled decay, only on tensors marked for it)
//   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
//   θ ← θ − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)
// State (m, v per tensor, the step count t) lives in this object so it can be checkpointed.

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

  /** One update of every tensor with its gradient `grad(name)`, at learning rate `lr`. */
  update(grad: (name: string) => Float32Array, lr: number): void {
    this.step++;
    const { beta1, beta2, eps, weightDecay } = this.config;
    const stepSize = lr / (1 - beta1 ** this.step);
    const rootCorrection2 = Math.sqrt(1 - beta2 ** this.step);
    const decayFactor = 1 - lr * weightDecay;
    for (const { name, param, decay } of this.tensors) {
      const g = grad(name);
      const m = this.m.get(name)!;
      const v = this.v.get(name)!;
      for (let i = 0; i < param.length; i++) {
        m[i] = beta1 * m[i] + (1 - beta1) * g[i];
        v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
        const p = decay ? param[i] * decayFactor : param[i];
        param[i] = p - (stepSize * m[i]) / (Math.sqrt(v[i]) / rootCorrection2 + eps);
      }
    }
  }
}
