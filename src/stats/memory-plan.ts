// How much memory the covariance statistics take, and how many layers one pass over the corpus
// accumulates at once (issue 12 §1: C0 of a 14,336-wide key is 1.6 GB in float64 per layer).
// Each layer being accumulated holds its running sum Σ k kᵀ (d_ff² float64); a dtype float32 run
// also holds one float32 batch product (d_ff²) shared by the layers of a pass, and `--until-stable`
// one float64 d_ff² matrix for its check (stability.ts, layer by layer). Layers are grouped,
// in ascending order, into passes whose accumulators fit the budget (at least one layer a pass);
// a finished layer is written to the cache and dropped before the next pass starts. More passes
// cost more forward passes over the corpus, never a different result (each layer's sum depends only
// on its own batches, which are the same in every pass).
import { freemem } from "node:os";
import { STABILITY_CHECK_MATRICES } from "./stability.js";
import type { StatsDtype } from "./types.js";

export interface StatsMemoryPlan {
  /** d_ff, the key's width */
  dim: number;
  /** running float64 sum per layer: dim² × 8 bytes */
  bytesPerLayer: number;
  /** the float32 batch product shared by a pass (dtype float32): dim² × 4 bytes, else 0 */
  scratchBytes: number;
  /** the matrix of --until-stable's check (stability.ts): dim² × 8 bytes, else 0 */
  stabilityBytes: number;
  /** bytes the accumulators of one pass may take */
  budget: number;
  /** why that budget (given, or the default's reasoning) */
  budgetReason: string;
  /** the layers of each pass, in order */
  passes: number[][];
  /** the most the accumulators hold at once */
  peakBytes: number;
}

const GiB = 1024 ** 3;

/** Groups `layers` (ascending) into passes whose accumulators fit `budget` bytes. */
export function planStatsMemory(
  layers: readonly number[],
  dim: number,
  dtype: StatsDtype,
  budget: number,
  budgetReason = "given",
  options: { stabilityCheck?: boolean } = {},
): StatsMemoryPlan {
  const bytesPerLayer = dim * dim * 8;
  const scratchBytes = dtype === "float32" ? dim * dim * 4 : 0;
  const stabilityBytes = options.stabilityCheck ? STABILITY_CHECK_MATRICES * dim * dim * 8 : 0;
  const perPass = Math.max(1, Math.floor((budget - scratchBytes - stabilityBytes) / bytesPerLayer));
  const passes: number[][] = [];
  for (let i = 0; i < layers.length; i += perPass) passes.push(layers.slice(i, i + perPass));
  const widest = Math.max(0, ...passes.map((p) => p.length));
  return {
    dim,
    bytesPerLayer,
    scratchBytes,
    stabilityBytes,
    budget,
    budgetReason,
    passes,
    peakBytes: widest === 0 ? 0 : widest * bytesPerLayer + scratchBytes + stabilityBytes,
  };
}

/**
 * The default budget: a quarter of the memory the model's weights take, and never more than the
 * memory available now less 2 GiB (for the forward passes and what follows).
 */
export function defaultStatsBudget(
  weightBytes: number,
  available = freemem(),
): { bytes: number; reason: string } {
  const quarter = weightBytes / 4;
  const room = Math.max(0, available - 2 * GiB);
  const bytes = Math.min(quarter, room);
  const gb = (x: number) => `${(x / 1e9).toFixed(2)} GB`;
  return {
    bytes,
    reason:
      bytes === quarter
        ? `a quarter of the weights' ${gb(weightBytes)}`
        : `the ${gb(available)} available now less 2 GiB (a quarter of the weights would be ${gb(quarter)})`,
  };
}

/** One line: what the statistics need and how the layers are grouped. */
export function describeStatsPlan(plan: StatsMemoryPlan): string {
  const gb = (x: number) => `${(x / 1e9).toFixed(2)} GB`;
  const passes = plan.passes.map((p) => p.join(",")).join("; ");
  return (
    `statistics of d_ff ${plan.dim}: ${gb(plan.bytesPerLayer)} per layer in float64` +
    (plan.scratchBytes > 0 ? ` + ${gb(plan.scratchBytes)} float32 batch product` : "") +
    (plan.stabilityBytes > 0 ? ` + ${gb(plan.stabilityBytes)} for --until-stable's check` : "") +
    `; budget ${gb(plan.budget)} (${plan.budgetReason}) → ${plan.passes.length} pass(es) [${passes}], ` +
    `at most ${gb(plan.peakBytes)} at once`
  );
}
