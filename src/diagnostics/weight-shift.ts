// (d) The weight shift error (BLUE, Li et al., arXiv 2502.03748, §3.2, Eq. 6–8 and Fig. 5): every
// locate-then-edit layer solve is linear in its residual, ΔW = R·Q (MEMIT/PMET:
// Q = Kᵀ(λC0 + KKᵀ)⁻¹; AlphaEdit: Q = [(P(KKᵀ + cache_c) + αI)⁻¹ P K]ᵀ), so giving layer l the
// distributed residual R̃^l = R^L·share instead of its own R^l = Z^l − H^l shifts its update by
//   E^l = ΔW̃^l − ΔW*^l = (R̃^l − R^l)·Q,   ‖E^l‖_F ≤ ‖R̃^l − R^l‖_F‖Q‖₂ ≤ (‖R^l − R^L‖_F + (L − l)‖R^L‖_F)‖Q‖₂
// (share ≥ 1/(count − i) ≥ 1 − (L − l)). One call of the layer's own solve on the stacked residuals
// [R̃ | R* | R̃ − R* | I_n] gives ΔW̃, ΔW*, E and Q together (E from the difference, so that equal
// residuals give exactly zero). Against distance: all edited records as one batch; against batch
// size: the first b records; against sequence length: ./sequence.ts.
import { keysAndHidden } from "../editing/compute-ks.js";
import { residuals } from "../editing/methods/layer-family.js";
import type { MethodContext } from "../editing/methods/types.js";
import type { PreparedRequest } from "../editing/prepare/prepared-request.js";
import { eigh } from "../linalg/index.js";
import { gram, toFloat64, wrap } from "../tensor/index.js";
import { freshState, methodContext, type DiagnosticsContext } from "./context.js";
import { shares, subsetZ, type LayerZ } from "./layer-deltas.js";
import { differenceNorm, frobenius } from "./summary.js";
import type { ShiftTerms, WeightShiftReport } from "./types.js";

/** The b of the paper's batch-size axis (1, 10, 50, 100, 200, 500, …) up to the record count, which is added. */
export function batchSizesFor(count: number): number[] {
  const ladder = [1, 10, 50, 100, 200, 500, 1000, 2000, 5000, 10000];
  const sizes = ladder.filter((b) => b < count);
  sizes.push(count);
  return sizes;
}

/** Largest singular value of Q (n × F rows): √λ_max(Q Qᵀ). */
function spectralNorm(q: Float32Array, n: number): number {
  const F = q.length / n;
  const g = gram(toFloat64(wrap(q, [n, F]))); // (n, n) = Q Qᵀ
  const { values } = eigh(g, { symmetryTolerance: Infinity });
  return Math.sqrt(Math.max(0, values.data[n - 1]));
}

export interface BatchShift {
  terms: ShiftTerms;
  /** E^l (d_model × d_ff) per critical layer */
  errors: Float32Array[];
}

/**
 * The weight shift terms of one batch on the model as it is: `zLast` per request at the residual
 * site for L, `zOwn(layer)` for each layer's own z (zLast at L).
 */
export function batchShift(
  d: DiagnosticsContext,
  requests: readonly PreparedRequest[],
  zLast: readonly Float32Array[],
  zOwn: (layer: number) => readonly Float32Array[],
  context: MethodContext,
): BatchShift {
  const n = requests.length;
  const C = d.model.config.hiddenSize;
  const site = d.family.residualSite;
  const share = shares(d);
  const hiddenL = keysAndHidden(d.model, requests, d.last, d.last, site).hidden;
  const residualL = residuals(zLast, hiddenL, 1); // R^L (n × C rows)
  const normL = frobenius(residualL);
  const terms: ShiftTerms = {
    batch_size: n,
    error_norm: [],
    relative_error: [],
    distributed_norm: [],
    own_norm: [],
    residual_gap: [],
    distance_term: [],
    q_norm: [],
    bound: [],
    tight_bound: [],
  };
  const errors: Float32Array[] = [];
  d.layers.forEach((layer, i) => {
    const { keys, hidden } = keysAndHidden(d.model, requests, layer, layer, site);
    const distributed = residuals(zLast, hiddenL, share[i]); // R̃^l
    const own = residuals(zOwn(layer), hidden, 1); // R^l
    const W = 3 * C + n;
    const stacked = new Float64Array(n * W); // row r: [R̃_r | R*_r | R̃_r − R*_r | e_r]
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < C; c++) {
        stacked[r * W + c] = distributed[r * C + c];
        stacked[r * W + C + c] = own[r * C + c];
        stacked[r * W + 2 * C + c] = distributed[r * C + c] - own[r * C + c];
      }
      stacked[r * W + 3 * C + r] = 1;
    }
    const solved = d.family.solve(context, layer, keys, stacked, n); // (3C + n) × F
    const F = solved.length / W;
    const part = (row: number, rows: number) => solved.subarray(row * F, (row + rows) * F);
    const error = part(2 * C, C).slice();
    const ownNorm = frobenius(part(C, C));
    const errorNorm = frobenius(error);
    const qNorm = spectralNorm(part(3 * C, n), n);
    const gap = differenceNorm(own, residualL);
    const distance = layer === d.last ? 0 : (d.last - layer) * normL;
    terms.error_norm.push(errorNorm);
    terms.relative_error.push(ownNorm > 0 ? errorNorm / ownNorm : errorNorm === 0 ? 0 : null);
    terms.distributed_norm.push(frobenius(part(0, C)));
    terms.own_norm.push(ownNorm);
    terms.residual_gap.push(gap);
    terms.distance_term.push(distance);
    terms.q_norm.push(qNorm);
    terms.bound.push((gap + distance) * qNorm);
    terms.tight_bound.push(differenceNorm(distributed, own) * qNorm);
    errors.push(error);
  });
  return { terms, errors };
}

/** E^l against distance (all records) and against batch size (the first b records), on the unedited model. */
export function weightShiftStatic(
  d: DiagnosticsContext,
  zs: Map<number, LayerZ>,
): Pick<WeightShiftReport, "layers" | "distance" | "by_distance" | "by_batch_size"> {
  const sizes = batchSizesFor(d.requests.length);
  const terms = sizes.map((b, k) => {
    d.onProgress?.({ stage: `weight shift error, batch of ${b}`, done: k + 1, total: sizes.length });
    const indices = Array.from({ length: b }, (_, i) => i);
    const context = methodContext(d, d.hparams, freshState(d, d.hparams));
    const last = subsetZ(zs.get(d.last)!, indices).z;
    return batchShift(d, d.requests.slice(0, b), last, (l) => subsetZ(zs.get(l)!, indices).z, context).terms;
  });
  return {
    layers: [...d.layers],
    distance: d.layers.map((l) => d.last - l),
    by_distance: terms[terms.length - 1],
    by_batch_size: { batch_sizes: sizes, terms },
  };
}
