// Means and standard deviations over records, and Frobenius norms, as the diagnostics report them.
import { meanStd } from "../trace/average.js";
import type { LayerStats, ScalarStats } from "./types.js";

export { meanStd };

/** Per layer, mean and std over records of perLayer[layer][record]. */
export function layerStats(perLayer: readonly (ArrayLike<number> & Iterable<number>)[]): LayerStats {
  const stats = perLayer.map((values) => meanStd([...values]));
  return { mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) };
}

export function scalarStats(values: Iterable<number>): ScalarStats {
  return meanStd([...values]);
}

/** √(Σ x²) in float64. */
export function frobenius(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Math.sqrt(s);
}

/** Σ over requests of ‖a_i − b_i‖² … as one Frobenius norm of the stacked differences. */
export function differenceNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`differenceNorm: ${a.length} values against ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
  return Math.sqrt(s);
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}
