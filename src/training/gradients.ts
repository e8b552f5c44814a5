// Gradient buffers for a full backward, one per stored parameter (a tied LM head shares the
// embedding's buffer, as it shares its array), and global-norm clipping as in PyTorch's
// clip_grad_norm_ (Pascanu et al. 2013): with n = ‖g‖₂ over all tensors, g ← g · c/(n + 1e-6)
// when that factor is below 1. Sums of squares run natively (float64, in index order).
import { sumOfSquares } from "../tensor/reduce.js";
import type { CausalLM } from "../models/causal-lm.js";
import type { ParamLookup } from "../models/types.js";

export class GradientBuffers {
  /** one buffer per stored (untied) parameter, in spec order */
  readonly owned = new Map<string, Float32Array>();
  private readonly byName = new Map<string, Float32Array>();

  constructor(model: CausalLM) {
    for (const spec of model.specs)
      if (!spec.tiedTo) this.owned.set(spec.name, new Float32Array(model.weight(spec.name).length));
    for (const [name, buffer] of this.owned) this.byName.set(name, buffer);
    for (const spec of model.specs) if (spec.tiedTo) this.byName.set(spec.name, this.owned.get(spec.tiedTo)!);
  }

  /** The lookup `CausalLM.backward` accumulates into. */
  readonly lookup: ParamLookup = (name) => {
    const buffer = this.byName.get(name);
    if (!buffer) throw new Error(`no gradient buffer for parameter '${name}'`);
    return buffer;
  };

  zero(): void {
    for (const buffer of this.owned.values()) buffer.fill(0);
  }
}

/** ‖g‖₂ over every tensor, accumulated in float64. */
export function globalNorm(tensors: Iterable<Float32Array>): number {
  let sum = 0;
  for (const t of tensors) sum += sumOfSquares(t);
  return Math.sqrt(sum);
}

/** The factor clip_grad_norm_ scales by: maxNorm/(‖g‖ + 1e-6), applied only when below 1. */
export function clipFactor(norm: number, maxNorm: number): number {
  return maxNorm / (norm + 1e-6);
}

/** Scales the tensors so their global norm is at most maxNorm; returns the norm before clipping. */
export function clipGlobalNorm(tensors: readonly Float32Array[], maxNorm: number): number {
  const norm = globalNorm(tensors);
  const factor = clipFactor(norm, maxNorm);
  if (factor < 1) for (const t of tensors) for (let i = 0; i < t.length; i++) t[i] *= factor;
  return norm;
}
