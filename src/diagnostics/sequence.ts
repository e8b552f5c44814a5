// Sequential editing for the diagnostics (ARCHITECTURE.md §4; BLUE, Li et al., arXiv 2502.03748,
// §3.2 "sequence length"): the method edits consecutive batches on one model that is never
// restored in between, as `locedit edit --batch-size` does (AlphaEdit's cache_c carried). With the
// distributed method, the weight shift error of each batch is measured on the model the earlier
// batches left, before the batch's own update is applied: Z^L comes from the method's own
// compute_z, Z^l (l < L) from compute_z at l, and E^l from the solve the method uses at that step;
// the cumulative error after t batches is ‖Σ_{s≤t} E^l_s‖_F.
import { applyDeltas, WeightSnapshot } from "../editing/apply-deltas.js";
import type { EditHparams } from "../editing/hparams/types.js";
import { METHODS } from "../editing/methods/index.js";
import type { DeltaResult, MethodContext } from "../editing/methods/types.js";
import type { PreparedRequest } from "../editing/prepare/prepared-request.js";
import { freshState, methodContext, type DiagnosticsContext } from "./context.js";
import { zAtLayers } from "./layer-deltas.js";
import { frobenius } from "./summary.js";
import type { WeightShiftReport } from "./types.js";
import { batchShift } from "./weight-shift.js";

/** Consecutive batches of `size` (the last one dropped when it is short, so every step is comparable). */
export function batchesOf<T>(items: readonly T[], size: number): T[][] {
  if (!(Number.isInteger(size) && size >= 1))
    throw new Error(`batch size must be an integer ≥ 1, got ${size}`);
  const out: T[][] = [];
  for (let start = 0; start + size <= items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** Default batch size of the sequence: 10, or half the records when there are fewer than 20. */
export function defaultSequenceBatch(count: number): number {
  return Math.max(1, Math.min(10, Math.floor(count / 2)));
}

/**
 * Edits `batches` one after the other with `hparams`; `before(t, batch, result, context)` sees each
 * batch's deltas before they are applied. Returns the snapshot that restores the original weights.
 */
export function editSequentially(
  d: DiagnosticsContext,
  hparams: EditHparams,
  batches: readonly (readonly PreparedRequest[])[],
  stage: string,
  before?: (
    t: number,
    batch: readonly PreparedRequest[],
    result: DeltaResult,
    context: MethodContext,
  ) => void,
): WeightSnapshot {
  const state = freshState(d, hparams);
  const snapshot = new WeightSnapshot(d.model);
  try {
    batches.forEach((batch, t) => {
      d.onProgress?.({ stage, done: t + 1, total: batches.length });
      const context = methodContext(d, hparams, state);
      const result = METHODS[d.method](context, batch);
      before?.(t, batch, result, context);
      applyDeltas(d.model, result.updates, snapshot);
      state?.absorb(result);
    });
  } catch (error) {
    snapshot.restore();
    throw error;
  }
  return snapshot;
}

/**
 * The distributed method over consecutive batches of `batchSize`, measuring E^l per batch; leaves
 * the model edited (restore it with the returned snapshot).
 */
export function weightShiftSequence(
  d: DiagnosticsContext,
  batchSize: number,
): { report: WeightShiftReport["by_sequence"]; snapshot: WeightSnapshot; batches: number } {
  const batches = batchesOf(d.requests, batchSize);
  if (batches.length === 0)
    throw new Error(
      `diagnose: a sequence batch of ${batchSize} is larger than the ${d.requests.length} records`,
    );
  const report: WeightShiftReport["by_sequence"] = {
    batch_size: batchSize,
    batches: batches.length,
    step_error_norm: [],
    cumulative_error_norm: [],
    residual_gap: [],
    distance_term: [],
    q_norm: [],
  };
  const sums: Float64Array[] = [];
  const own = d.layers.filter((l) => l !== d.last);
  const snapshot = editSequentially(
    d,
    d.hparams,
    batches,
    "sequential editing (distributed)",
    (t, batch, result, context) => {
      const zLog = result.z.find((z) => z.layer === d.last);
      if (!zLog) throw new Error(`diagnose: the ${d.method} run did not compute z at layer ${d.last}`);
      const zs = zAtLayers(d, batch, own);
      const { terms, errors } = batchShift(
        d,
        batch,
        zLog.z,
        (l) => (l === d.last ? zLog.z : zs.get(l)!.z),
        context,
      );
      errors.forEach((e, i) => {
        sums[i] ??= new Float64Array(e.length);
        for (let k = 0; k < e.length; k++) sums[i][k] += e[k];
      });
      report.step_error_norm.push(terms.error_norm);
      report.cumulative_error_norm.push(sums.map((s) => frobenius(s)));
      report.residual_gap.push(terms.residual_gap);
      report.distance_term.push(terms.distance_term);
      report.q_norm.push(terms.q_norm);
    },
  );
  return { report, snapshot, batches: batches.length };
}
