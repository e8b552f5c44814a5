// One optimisation step: forward with activations kept, mean next-token cross-entropy over every
// target of the batch (weights 1/M), full backward into the gradient buffers, global-norm
// clipping, then one AdamW update at the scheduled learning rate.
import type { CausalLM } from "../models/causal-lm.js";
import { crossEntropy } from "../runtime/loss.js";
import type { AdamW } from "./adamw.js";
import type { TrainingBatch } from "./data.js";
import { clipGlobalNorm, type GradientBuffers } from "./gradients.js";

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
  const buffers = [...grads.owned.values()];
  const gradNorm = clipGlobalNorm(buffers, clip > 0 ? clip : Infinity);
  optimizer.update(grads.lookup, lr);
  return { loss, gradNorm, lr, tokens: data.targets.length };
}
