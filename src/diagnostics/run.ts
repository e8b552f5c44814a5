// `locedit diagnose` as a library call: the five analyses of BLUE's §3 (Li et al., arXiv
// 2502.03748) on one model, method and set of records, in the order that lets them share work —
// compute_z at every critical layer once for all records ((a), (b), (c), (d) read it), the
// sequential distributed edit once for (d)'s sequence axis and (e)'s "after" — and the model left
// exactly as it was found.
import type { CounterFactRecord } from "../data/counterfact/record.js";
import { LOCEDIT_VERSION } from "../editing/editor/editor.js";
import type { CausalLM } from "../models/causal-lm.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { setupDiagnostics, type DiagnoseSetupOptions, type DiagnosticsContext } from "./context.js";
import { contributionScores, deltaAlignment } from "./contribution.js";
import { hiddenShift, hiddenStates } from "./hidden-shift.js";
import { zAtLayers } from "./layer-deltas.js";
import { defaultSequenceBatch, editSequentially, batchesOf, weightShiftSequence } from "./sequence.js";
import { singleLayerEditing } from "./single-layer.js";
import type { DiagnoseReport, HiddenShiftReport } from "./types.js";
import { weightShiftStatic } from "./weight-shift.js";

export interface DiagnoseOptions extends DiagnoseSetupOptions {
  /** batch size of the sequence axis of (d) and of the sequential edits of (e) (default 10, or count/2) */
  sequenceBatch?: number;
}

/** Wall seconds and process CPU seconds (all threads, BLAS included) of each analysis. */
interface Clock {
  wall: Record<string, number>;
  cpu: Record<string, number>;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

function timed<T>(clock: Clock, name: string, fn: () => T): T {
  const wall = performance.now();
  const cpu = cpuSeconds();
  try {
    return fn();
  } finally {
    clock.wall[name] = (clock.wall[name] ?? 0) + (performance.now() - wall) / 1000;
    clock.cpu[name] = (clock.cpu[name] ?? 0) + cpuSeconds() - cpu;
  }
}

/**
 * (e), with (d)'s sequence axis run in the middle: h^L before; the distributed sequential edit (which
 * measures E^l per batch), h^L, restore; the BLUE sequential edit, h^L, restore.
 */
function sequenceAndHiddenShift(d: DiagnosticsContext, batchSize: number, clock: Clock) {
  const before = timed(clock, "hidden_shift", () => hiddenStates(d));
  const distributed = timed(clock, "weight_shift_sequence", () => weightShiftSequence(d, batchSize));
  let method: HiddenShiftReport["method"];
  try {
    method = timed(clock, "hidden_shift", () => hiddenShift(d, before, hiddenStates(d)));
  } finally {
    distributed.snapshot.restore();
  }
  const blue = timed(clock, "hidden_shift", (): HiddenShiftReport["blue"] => {
    if (!d.blueResolved) return null;
    const batches = batchesOf(d.requests, batchSize);
    const snapshot = editSequentially(d, d.blueResolved.hparams, batches, "sequential editing (BLUE)");
    try {
      return hiddenShift(d, before, hiddenStates(d));
    } finally {
      snapshot.restore();
    }
  });
  return { sequence: distributed.report, method, blue };
}

export async function runDiagnostics(
  model: CausalLM,
  tokenizer: Tokenizer,
  modelDir: string,
  records: readonly CounterFactRecord[],
  options: DiagnoseOptions,
): Promise<DiagnoseReport> {
  const started = performance.now();
  const startedCpu = cpuSeconds();
  const clock: Clock = { wall: {}, cpu: {} };
  const d = await setupDiagnostics(model, tokenizer, modelDir, records, options);
  clock.wall.setup = (performance.now() - started) / 1000;
  clock.cpu.setup = cpuSeconds() - startedCpu;
  const zs = timed(clock, "compute_z", () => zAtLayers(d, d.requests, d.layers));
  const contribution = timed(clock, "contribution", () => contributionScores(d, zs));
  const alignment = timed(clock, "delta_alignment", () => deltaAlignment(d, zs));
  const singleLayer = timed(clock, "single_layer", () => singleLayerEditing(d, zs));
  const shift = timed(clock, "weight_shift", () => weightShiftStatic(d, zs));
  const batchSize = options.sequenceBatch ?? defaultSequenceBatch(d.requests.length);
  const { sequence, method, blue } = sequenceAndHiddenShift(d, batchSize, clock);
  clock.wall.total = (performance.now() - started) / 1000;
  clock.cpu.total = cpuSeconds() - startedCpu;
  return {
    locedit_version: LOCEDIT_VERSION,
    model: modelDir,
    method: d.method,
    hparams: d.hparams,
    hparams_source: d.resolved.source,
    blue_hparams_source: d.blueResolved?.source ?? null,
    layers: [...d.layers],
    residual_site: d.family.residualSite,
    records: d.records.length,
    case_ids: d.records.map((r) => r.case_id),
    held_out_case_ids: d.heldOut.map((r) => r.case_id),
    contribution,
    delta_alignment: alignment,
    single_layer: singleLayer,
    weight_shift: { ...shift, by_sequence: sequence },
    hidden_shift: {
      layer: d.last,
      held_out: d.heldOut.length,
      method,
      blue,
    },
    timings_s: clock.wall,
    cpu_s: clock.cpu,
  };
}
