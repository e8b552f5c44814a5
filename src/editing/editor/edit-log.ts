// The record of one edited batch (what `locedit edit` writes as edit-log.json): method, BLUE,
// where the hyperparameters came from, layers touched and the norm of each ΔW, each request's
// compute_z loss before and after, and timings split as the issue asks (statistics, z, keys, solve).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseJsonText } from "../../io/json-text.js";
import { isPlainObject } from "../../io/json-values.js";
import type { EditHparams, EditMethod } from "../hparams/types.js";
import type { DeltaResult } from "../methods/types.js";
import type { EditVariant } from "../methods/variants/index.js";
import type { EditRequest } from "../requests/types.js";
import type { RequestOutcome } from "./outcome.js";
import type { RoundingLoss } from "./rounding.js";
import { HalfTensor } from "../../models/layers/weight.js";

export interface LayerDeltaRecord {
  layer: number;
  weight: string;
  /** Frobenius norm of ΔW */
  delta_norm: number;
  /** Frobenius norm of W before this batch */
  weight_norm: number;
  /** Frobenius norm of W − W₀ after this batch: the weight's total shift since loading */
  shift_norm?: number;
}

export interface RequestRecord {
  id?: string | number;
  prompt: string;
  subject: string;
  target_new: string;
  target_true?: string;
  /** per compute_z layer: loss at the first and the last evaluation, steps taken */
  z: {
    layer: number;
    loss_before: number;
    loss_after: number;
    nll_before: number;
    nll_after: number;
    steps: number;
  }[];
  /** whether the edit took: the request scored on its prompt before and after the batch (outcome.ts) */
  outcome: RequestOutcome;
}

export interface EditLog {
  locedit_version: string;
  method: EditMethod;
  blue: boolean;
  /** a sequential variant of MEMIT or PMET (seq, rect, prune) */
  variant?: EditVariant;
  batch: number;
  hparams: EditHparams;
  hparams_source: string;
  hparams_derivation?: Record<string, string>;
  context_templates: string[][];
  layers: number[];
  deltas: LayerDeltaRecord[];
  requests: RequestRecord[];
  /** ids of the requests that did not take (see each request's outcome) */
  not_taken: (string | number)[];
  /** layers whose ΔW is many times ‖W‖ (update-size.ts); absent when none */
  warnings?: string[];
  timings_s: {
    statistics: number;
    z: number;
    keys: number;
    solve: number;
    apply: number;
    /** scoring every request before and after the batch */
    score: number;
    total: number;
  };
}

/**
 * Critical layers chosen outside the hyperparameter file (e.g. `locedit edit --layers auto`, from
 * causal tracing): they replace its `layers`, and the choice and its evidence go into the log.
 */
export interface CriticalLayersChoice {
  layers: number[];
  /** how they were chosen, e.g. "causal tracing (--layers auto)" or "--layers" */
  source: string;
  /** the numbers behind the choice (e.g. the tracing suggestion) */
  evidence?: unknown;
}

/** edit-log.json: every batch since the model was loaded (or last restored). */
export interface EditLogFile {
  locedit_version: string;
  model: string;
  method: EditMethod;
  blue: boolean;
  variant?: EditVariant;
  hparams: EditHparams;
  hparams_source: string;
  hparams_derivation?: Record<string, string>;
  hparams_warnings?: string[];
  /** present when the critical layers were chosen outside the hyperparameter file */
  critical_layers?: CriticalLayersChoice;
  requests: number;
  batches: EditLog[];
  /** the key of each layer's statistics (C0) used: model and corpus fingerprints, samples, … */
  statistics?: {
    layer: number;
    model: string;
    corpus: string;
    samples: number;
    max_len: number;
    dtype: string;
  }[];
  /** the edit logs of the folder this model was loaded from, oldest first (editing an edited model) */
  earlier_edits?: EditLogFile[];
  /** the dtype asked for at the last save ("checkpoint": each tensor's own) and what rounding kept of the edit */
  saved?: { dtype: string; rounding: RoundingLoss | null };
}

/** The edit history of an edited model folder (its edit-log.json, flattened, oldest first); [] for none. */
export function readEarlierEdits(modelDir: string): EditLogFile[] {
  const path = join(modelDir, "edit-log.json");
  if (!existsSync(path)) return [];
  const parsed = parseJsonText(readFileSync(path, "utf8"), path);
  if (!isPlainObject(parsed) || !Array.isArray(parsed.batches))
    throw new Error(`${path}: expected a locedit edit log (an object with a "batches" list)`);
  const { earlier_edits: earlier, ...own } = parsed as unknown as EditLogFile;
  if (earlier !== undefined && !Array.isArray(earlier))
    throw new Error(`${path}: field "earlier_edits" must be a list of edit logs`);
  return [...(earlier ?? []), own];
}

function frobenius(values: Float32Array | HalfTensor): number {
  let s = 0;
  const chunk = new Float32Array(Math.min(values.length, 65536));
  for (let start = 0; start < values.length; start += chunk.length) {
    const count = Math.min(chunk.length, values.length - start);
    const part =
      values instanceof HalfTensor
        ? values.widenInto(chunk, 0, start, count)
        : values.subarray(start, start + count);
    for (let i = 0; i < count; i++) s += part[i] * part[i];
  }
  return Math.sqrt(s);
}

export function requestRecords(
  requests: readonly EditRequest[],
  result: DeltaResult,
  outcomes: readonly RequestOutcome[],
): RequestRecord[] {
  return requests.map((r, i) => ({
    ...(r.id === undefined ? {} : { id: r.id }),
    prompt: r.prompt,
    subject: r.subject,
    target_new: r.targetNew,
    ...(r.targetTrue === undefined ? {} : { target_true: r.targetTrue }),
    z: result.z
      .map((z) => {
        // ROME logs one compute_z per request; the others one per layer for the whole batch.
        const at = result.method === "rome" ? 0 : i;
        const log = result.method === "rome" ? result.z[i] : z;
        return {
          layer: log.layer,
          loss_before: log.lossBefore[at],
          loss_after: log.lossAfter[at],
          nll_before: log.nllBefore[at],
          nll_after: log.nllAfter[at],
          steps: log.steps[at],
        };
      })
      .slice(0, result.method === "rome" ? 1 : undefined),
    outcome: outcomes[i],
  }));
}

export function deltaRecords(result: DeltaResult, weightNorms: Map<string, number>): LayerDeltaRecord[] {
  return result.updates.map((u) => ({
    layer: u.layer,
    weight: u.weight,
    delta_norm: frobenius(u.delta),
    weight_norm: weightNorms.get(u.weight) ?? NaN,
  }));
}

export { frobenius };
