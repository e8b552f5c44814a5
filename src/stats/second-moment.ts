// C0 = E[k kᵀ] = Σ k kᵀ / count, the uncentered second moment of the keys that ROME/MEMIT call
// the covariance (layer_stats' `mom2`; the reference never subtracts the mean).
import type { LayerStats } from "./types.js";

/**
 * Σ k kᵀ / count as a fresh dim×dim array, or in place of the sum with `inPlace` (no second d_ff²
 * buffer); throws naming the layer when count is 0 or a value is not finite.
 */
export function secondMoment(stats: LayerStats, options: { inPlace?: boolean } = {}): Float64Array {
  const { layer, dim, count, sum } = stats;
  if (!(count > 0)) throw new Error(`layer ${layer} statistics: count is ${count}, no token was summed`);
  if (sum.length !== dim * dim)
    throw new Error(`layer ${layer} statistics: sum has ${sum.length} values, expected ${dim}×${dim}`);
  const out = options.inPlace ? sum : new Float64Array(dim * dim);
  for (let i = 0; i < out.length; i++) {
    const value = sum[i] / count;
    if (!Number.isFinite(value))
      throw new Error(
        `layer ${layer} statistics: entry (${Math.floor(i / dim)}, ${i % dim}) of C0 is ${value} ` +
          `(sum ${sum[i]}, count ${count})`,
      );
    out[i] = value;
  }
  return out;
}

/** Trace of C0 = mean squared norm of the keys, E[‖k‖²]. */
export function meanSquaredNorm(stats: LayerStats): number {
  let trace = 0;
  for (let i = 0; i < stats.dim; i++) trace += stats.sum[i * stats.dim + i];
  return trace / stats.count;
}
