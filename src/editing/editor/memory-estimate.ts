// What an edit will hold in memory at its peak, said before it starts (issue 12 §1): the weights
// as loaded, the edited matrices in float32 (16-bit ones are widened while edited; float32 ones are
// copied for restore), and the larger of the statistics accumulators (stats/memory-plan.ts) and a
// layer solve (M = λ·C0 + K·Kᵀ in float64 and ΔW; where C0 is small enough to keep between solves,
// statistics.ts, the kept C0 too). Activations of the forward and
// backward passes over the edit's prompts come on top; they are small beside these at real sizes.
import { freemem } from "node:os";
import type { CausalLM } from "../../models/causal-lm.js";
import { editSurface } from "../../models/edit-surface.js";
import { dtypeOf } from "../../models/layers/weight.js";
import type { StatsMemoryPlan } from "../../stats/memory-plan.js";
import { defaultCovarianceCacheBytes } from "./statistics.js";

export interface MemoryEstimate {
  weights: number;
  editedFloat32: number;
  statistics: number;
  solve: number;
  /** weights + edited + max(statistics, solve) */
  peak: number;
  available: number;
}

export function estimateEditMemory(
  model: CausalLM,
  updatedLayers: readonly number[],
  plan: StatsMemoryPlan | null,
): MemoryEstimate {
  const weights = model.parameterBytes();
  let editedFloat32 = 0;
  for (const layer of updatedLayers)
    editedFloat32 += model.weight(editSurface(model, layer).mlpOut.weight).length * 4;
  const F = model.config.intermediateSize;
  const C = model.config.hiddenSize;
  const kept = F * F * 8 <= defaultCovarianceCacheBytes(model);
  const solve = (kept ? 2 : 1) * F * F * 8 + C * F * 4;
  const statistics = plan?.peakBytes ?? 0;
  return {
    weights,
    editedFloat32,
    statistics,
    solve,
    peak: weights + editedFloat32 + Math.max(statistics, solve),
    available: freemem(),
  };
}

export function describeMemoryEstimate(model: CausalLM, e: MemoryEstimate): string {
  const gb = (x: number) => `${(x / 1e9).toFixed(2)} GB`;
  const dtypes = [...new Set([...model.params.values()].map(dtypeOf))].join("/");
  const F = model.config.intermediateSize;
  return (
    `memory needed ≈ ${gb(e.peak)}: weights ${gb(e.weights)} (${dtypes}) + edited matrices in float32 ${gb(e.editedFloat32)} ` +
    `+ the larger of statistics ${gb(e.statistics)} and a layer solve ${gb(e.solve)} (λ·C0 + K·Kᵀ of d_ff ${F} ` +
    `in float64${e.solve >= 2 * F * F * 8 ? " and the kept C0" : ", built in C0's buffer"}, ΔW), plus activations; ` +
    `${gb(e.available)} available now` +
    (e.peak > e.available ? " — likely too little: lower --stats-memory or free memory" : "")
  );
}
