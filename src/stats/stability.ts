// `locedit stats --until-stable`: when has C0 seen enough samples for an edit? MEMIT uses C0 only
// through A = (λ·C0 + K·Kᵀ)⁻¹·K (Meng et al., arXiv 2210.07229, Eq. 14: ΔW = R·Aᵀ), so with a
// fixed probe set of keys P (the first tokens' keys of the corpus, standing in for an edit's keys)
// the edit-relevant change of C0 over the last window of samples is the relative change of
//   A = (λ·C0 + P·Pᵀ)⁻¹·P,   ‖A_now − A_before‖_F / ‖A_now‖_F,
// computed in float64 by a Cholesky solve. Statistics are stable when it is below the tolerance at
// every layer (reported as NaN before there is a previous window to compare with).
import { solveSpd } from "../linalg/index.js";
import { gram, trace, transpose2d, wrap } from "../tensor/index.js";
import type { MomentAccumulator } from "./accumulate.js";
import type { StabilityCheck, StabilityOptions } from "./types.js";

export const DEFAULT_STABLE_LAMBDA = 15000;
export const DEFAULT_PROBE_KEYS = 64;
/** d_ff × d_ff float64 matrices a stability check holds at once (λ·C0 + P·Pᵀ, factored in place) */
export const STABILITY_CHECK_MATRICES = 1;

export class StabilityMonitor {
  private readonly lambda: number;
  private readonly probeKeys: number;
  /** layer → probe keys collected so far, rows of dim (float64) */
  private readonly probes = new Map<number, number[][]>();
  private readonly previous = new Map<number, Float64Array>();

  constructor(private readonly options: StabilityOptions) {
    this.lambda = options.lambda ?? DEFAULT_STABLE_LAMBDA;
    this.probeKeys = options.probeKeys ?? DEFAULT_PROBE_KEYS;
  }

  /** Keeps the first probeKeys keys (rows of `keys`, n × dim) seen at `layer`. */
  observe(layer: number, keys: Float32Array, n: number, dim: number): void {
    const probes = this.probes.get(layer) ?? [];
    for (let i = 0; i < n && probes.length < this.probeKeys; i++)
      probes.push(Array.from(keys.subarray(i * dim, (i + 1) * dim)));
    this.probes.set(layer, probes);
  }

  /**
   * The change of A at each layer since the last check, after `samples` samples; NaN (not stable)
   * at the first check and while a layer has summed fewer tokens than its key's width (C0 singular).
   */
  check(accumulators: readonly MomentAccumulator[], samples: number): StabilityCheck {
    const change = new Map<number, number>();
    for (const acc of accumulators) {
      if (acc.count < acc.dim) {
        change.set(acc.layer, NaN);
        continue;
      }
      const a = this.solve(acc);
      const before = this.previous.get(acc.layer);
      change.set(acc.layer, before ? relativeChange(a, before) : NaN);
      this.previous.set(acc.layer, a);
    }
    const stable = [...change.values()].every((c) => c < this.options.tolerance);
    const result = { samples, change, stable };
    this.options.onCheck?.(result);
    return result;
  }

  /**
   * A = (λ·C0 + P·Pᵀ)⁻¹·P (dim × p) for the layer's C0 so far, in one dim × dim float64 buffer (the
   * memory plan counts it: STABILITY_CHECK_MATRICES), rebuilt from the running sum for each ridge tried.
   */
  private solve(acc: MomentAccumulator): Float64Array {
    const { dim, layer } = acc;
    const probes = this.probes.get(layer) ?? [];
    if (probes.length === 0 || acc.count === 0)
      throw new Error(`statistics: layer ${layer} has no keys yet to check stability with`);
    const rows = wrap(Float64Array.from(probes.flat()), [probes.length, dim]); // Pᵀ (p × dim)
    const b = transpose2d(rows);
    const m = wrap(new Float64Array(dim * dim), [dim, dim]);
    const build = () => {
      m.data.set(acc.sum);
      return gram(rows, { trans: true, out: m, beta: this.lambda / acc.count }); // λ·C0 + P·Pᵀ
    };
    const meanDiagonal = trace(build()) / dim;
    // the smallest ridge ε·tr(M)/dim (ε = 1e-10, 1e-8, …) that makes M positive definite in floating
    // point, as MEMIT's solve does: C0 of random-weight models lies in a subspace
    for (let ridge = 1e-10; ; ridge *= 100) {
      if (ridge > 1e-10) build(); // the failed factorisation overwrote M
      for (let i = 0; i < dim; i++) m.data[i * dim + i] += ridge * meanDiagonal;
      try {
        return solveSpd(m, b, { symmetryTolerance: Infinity, overwriteA: true }).data;
      } catch (error) {
        if (!/not positive definite/.test((error as Error).message) || ridge >= 1e-4) throw error;
      }
    }
  }
}

function relativeChange(now: Float64Array, before: Float64Array): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < now.length; i++) {
    diff += (now[i] - before[i]) ** 2;
    norm += now[i] ** 2;
  }
  return Math.sqrt(diff / norm);
}
