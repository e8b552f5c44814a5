// The residual stream below compute_z's steps (ARCHITECTURE.md §6: the activations below the edited
// layer do not depend on δ): computed once per compute_z call (rows grouped by length), from the
// embedding or from a residual stream an earlier call on the same rows kept. BLUE (arXiv 2502.03748, Alg. 1) runs compute_z at
// its first boundary layer l1, edits l1, then runs it at the last layer L: the stream entering l1
// is the same for both (only layers ≥ l1 changed), so the second call starts there.
import type { CausalLM } from "../../models/causal-lm.js";
import type { Batch } from "../../models/types.js";
import { forwardInGroups } from "../../runtime/grouped-forward.js";

/** The residual stream (B × T × C) of a compute_z batch entering `layer`. */
export interface LowerResidual {
  layer: number;
  hidden: Float32Array;
}

/**
 * The residual stream of `batch` entering `startLayer` (null for layer 0: the steps embed), from
 * `lower` when given, and the one entering `keepAt` when asked (keepAt ≤ startLayer).
 */
export function residualBelow(
  model: CausalLM,
  batch: Batch,
  startLayer: number,
  lower: LowerResidual | null,
  keepAt: number | null,
): { input: Float32Array | null; kept: LowerResidual | null } {
  const size = batch.B * batch.T * model.config.hiddenSize;
  const from = lower?.layer ?? 0;
  if (lower && (lower.layer > startLayer || lower.hidden.length !== size))
    throw new Error(
      `compute_z: the lower residual stream given (entering layer ${lower.layer}, ${lower.hidden.length} floats) ` +
        `does not fit this batch (${batch.B}×${batch.T}×${model.config.hiddenSize} entering a layer ≤ ${startLayer})`,
    );
  if (keepAt !== null && (keepAt > startLayer || keepAt < from))
    throw new Error(
      `compute_z: cannot keep the residual stream entering layer ${keepAt} (runs layers ${from} to ${startLayer - 1})`,
    );
  const run =
    startLayer > from
      ? forwardInGroups(model, batch, {
          ...(lower ? { start: { layer: from, hidden: lower.hidden } } : {}),
          endLayer: startLayer,
          ...(keepAt !== null && keepAt > from ? { capture: keepAt - 1 } : {}),
        })
      : null;
  const input = startLayer === 0 ? null : (run?.hidden ?? lower!.hidden);
  if (keepAt === null) return { input, kept: null };
  if (keepAt > from) return { input, kept: { layer: keepAt, hidden: run!.captured! } };
  return { input, kept: lower ?? { layer: 0, hidden: model.embed(batch) } };
}
