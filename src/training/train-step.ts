// One optimisation step: forward with activations kept, mean next-token cross-entropy over every
// target of the batch (weights 1/M), full backward into the gradient buffers, global-norm
// clipping folded into one AdamW update at the scheduled learning rate (the clipping factor scales
// each gradient inside the optimizer's pass, as clipGlobalNorm would have before it).
import type { CausalLM } from "../models/causal-lm.js";
import { crossEntropy } from "../runtime/loss.js";
import type { AdamW } from "./adamw.js";
import type { TrainingBatch } from "./data.js";
import { clipFactor, globalNorm, type GradientBuffers } from "./gradients.js";

export interface StepStats {
  /** mean next-token NLL of the batch before the update */
  loss: number;
  /** global gradient norm before clipping */
  gradNorm: number;
  lr: number;
  /** next-token targets trained on */
  tokens: number;
}

/** Mean loss and gradients of `data` accumulated into `grads` (zeroed first). */
export function lossAndGradients(model: CausalLM, data: TrainingBatch, grads: GradientBuffers): number {
  grads.zero();
  const trace = model.forward(data.batch, { logits: data.positions, keepActivations: true });
  const M = data.targets.length;
  const ce = crossEntropy(
    trace.logits,
    model.config.vocabSize,
    data.targets,
    new Float64Array(M).fill(1 / M),
  );
  model.backward(trace, ce.dlogits, { downTo: 0, grads: grads.lookup });
  return ce.loss;
}

export function trainStep(
  model: CausalLM,
  data: TrainingBatch,
  grads: GradientBuffers,
  optimizer: AdamW,
  lr: number,
  clip: number,
): StepStats {
  const loss = lossAndGradients(model, data, grads);
  const gradNorm = globalNorm(grads.owned.values());
  optimizer.update(grads.lookup, lr, clip > 0 ? clipFactor(gradNorm, clip) : 1);
  return { loss, gradNorm, lr, tokens: data.targets.length };
}
