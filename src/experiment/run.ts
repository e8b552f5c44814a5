// `locedit experiment` as a library call: the paper's sequential protocol (BLUE, Li et al., arXiv
// 2502.03748, §5; ARCHITECTURE.md §4). N records are edited in consecutive batches of B on one
// model that is never restored; general-capability probes run before the first batch, after every
// K-th and after the last; every edit metric is computed once, after the last batch, on all N
// records. After each batch the run appends its line to batches.jsonl (and probes.jsonl) and then
// saves its state (./state.ts), so a run killed at any moment continues, with `resume`, from its
// last finished batch and ends with the same metrics.json as an uninterrupted one.
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Editor, type EditProgress } from "../editing/editor/editor.js";
import type { CriticalLayersChoice, EditLog } from "../editing/editor/edit-log.js";
import { describeOversizedUpdate, oversizedUpdates } from "../editing/editor/update-size.js";
import { chooseCriticalLayers } from "../editing/editor/critical-layers.js";
import { resolveHparams } from "../editing/hparams/resolve.js";
import type { EditRequest } from "../editing/requests/types.js";
import type { CausalLM } from "../models/causal-lm.js";
import { loadModel } from "../models/load.js";
import { loadTokenizer } from "../tokenizers/load-tokenizer.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { checkVariant } from "../editing/methods/variants/index.js";
import type { ConsistencyReferences } from "../eval/consistency/consistency.js";
import { writeFileAtomic } from "../io/atomic.js";
import { modelFingerprint } from "../stats/fingerprint.js";
import {
  absoluteSettings,
  buildRunConfig,
  checkSameSettings,
  configPath,
  readRunConfig,
  writeRunConfig,
} from "./config.js";
import { finalMetrics } from "./final-metrics.js";
import { appendJsonLine, keepJsonLines, readJsonLines } from "./jsonl.js";
import { evaluateProbes, loadRunProbes, probesDue } from "./probes.js";
import { fileSha256, loadExperimentRecords } from "./records.js";
import { writeRunReport } from "./report/write.js";
import { loadRunState, saveRunState, type ProgressCounts } from "./state.js";
import type { BatchLine, ExperimentSettings, MetricsFile, ProbeLine, RunConfig } from "./types.js";

export interface ExperimentProgress {
  stage: "statistics" | "probes" | "edit" | "metrics" | "report" | "save";
  /** batches finished, of `batches` */
  batch: number;
  batches: number;
  /** edits finished, of `edits` */
  edits: number;
  totalEdits: number;
  /** what is running now, e.g. "compute_z at layer 17 (12/25)" */
  detail: string;
  /** edits finished in this session and its wall seconds (for a rate) */
  sessionEdits: number;
  sessionSeconds: number;
}

export interface ExperimentOptions {
  settings: ExperimentSettings;
  /** the RUN folder */
  out: string;
  /** continue the run in `out` from its last finished batch */
  resume?: boolean;
  /** also write the edited model there (a Hugging Face folder with edit-log.json) */
  saveModel?: string;
  /** the command line recorded in config.json */
  command?: string;
  /** TF-IDF vectorizer and snippets for CounterFact consistency */
  consistency?: ConsistencyReferences;
  onProgress?: (event: ExperimentProgress) => void;
  /** a batch's warnings (oversized updates, editor/update-size.ts), with the batch's number */
  onWarning?: (batch: number, warning: string) => void;
}

export const BATCHES_FILE = "batches.jsonl";
export const PROBES_FILE = "probes.jsonl";
export const METRICS_FILE = "metrics.json";

/** Throws, naming the flag, on settings no run can have. */
export function checkSettings(s: ExperimentSettings): void {
  const positive = (value: number | null, flag: string) => {
    if (value !== null && !(Number.isInteger(value) && value >= 1))
      throw new Error(`${flag} must be an integer ≥ 1, got ${value}`);
  };
  positive(s.edits, "--edits");
  positive(s.batchSize, "--batch-size");
  positive(s.evalEvery, "--eval-every");
  positive(s.batchRows, "--batch-rows");
  if (s.blue && s.method === "rome") throw new Error("--blue applies to memit, pmet and alphaedit, not rome");
  try {
    checkVariant(s.method, s.variant ?? undefined);
  } catch (error) {
    throw new Error(`--variant: ${(error as Error).message}`, { cause: error });
  }
  if (s.snippets !== null && s.format !== "counterfact")
    throw new Error("--snippets: consistency is a CounterFact metric (--format counterfact)");
  if (s.snippets !== null && s.skipGeneration)
    throw new Error("--snippets: consistency scores the sampled generations that --skip-generation skips");
}

/** The run folder: a new one, or (with resume) one holding a run begun with the same settings. */
function openRunFolder(out: string, resume: boolean, settings: ExperimentSettings): RunConfig | null {
  if (!existsSync(out)) {
    if (resume) throw new Error(`--resume: ${out} does not exist; run without --resume to start it`);
    return null; // made once every input has been checked (nothing is left behind by a bad flag)
  }
  if (!resume) {
    if (readdirSync(out).length > 0)
      throw new Error(
        `--out ${out} already exists; pass --resume to continue the run it holds, or choose another folder`,
      );
    return null;
  }
  if (!existsSync(configPath(out)))
    throw new Error(`--resume: ${out} is not an experiment run folder (no config.json)`);
  const saved = readRunConfig(out);
  checkSameSettings(out, saved.settings, settings);
  return saved;
}

function batchLine(log: EditLog, edits: number): BatchLine {
  return {
    index: log.batch,
    edits,
    case_ids: log.requests.map((r) => r.id ?? ""),
    timings_s: {
      statistics: log.timings_s.statistics,
      z: log.timings_s.z,
      keys: log.timings_s.keys,
      solve: log.timings_s.solve,
      apply: log.timings_s.apply,
      total: log.timings_s.total,
    },
    layers: log.deltas.map((d) => ({
      layer: d.layer,
      weight: d.weight,
      delta_norm: d.delta_norm,
      weight_norm: d.weight_norm,
      shift_norm: d.shift_norm ?? NaN,
    })),
    requests: log.requests.map((r) => ({ case_id: r.id ?? "", z: r.z })),
  };
}

/**
 * --layers: the critical layers, chosen on the unedited model before the first batch (tracing for
 * "auto") and read back from config.json when the run resumes, so a resumed run edits the same ones.
 */
function criticalLayersOf(
  settings: ExperimentSettings,
  saved: RunConfig | null,
  model: CausalLM,
  tokenizer: Tokenizer,
  requests: readonly EditRequest[],
  report: (detail: string) => void,
): CriticalLayersChoice | undefined {
  if (settings.layers === null) return undefined;
  if (saved) {
    if (!saved.critical_layers)
      throw new Error(
        "--resume: the run's config.json records no critical_layers although it was begun with --layers",
      );
    return saved.critical_layers;
  }
  const h = resolveHparams({
    method: settings.method,
    blue: settings.blue,
    hparamsFile: settings.hparams ?? undefined,
    modelDir: settings.model,
    config: model.config,
  }).hparams;
  return chooseCriticalLayers(settings.layers, model, tokenizer, requests, {
    windowLength: h.layers[h.layers.length - 1] - h.layers[0] + 1,
    onProgress: (done, total, stage) => report(`${stage} (${done}/${total})`),
  });
}

function describe(e: EditProgress): string {
  if (e.stage === "z") return `compute_z at layer ${e.layer} (${e.step}/${e.total})`;
  if (e.stage === "layer") return `keys and solve, layer ${e.layer}`;
  if (e.stage === "statistics") return `statistics (${e.step}/${e.total} samples)`;
  return e.stage;
}

export async function runExperiment(options: ExperimentOptions): Promise<MetricsFile> {
  const settings = absoluteSettings(options.settings);
  checkSettings(settings);
  const out = options.out;
  // Every input is read and checked before the model is loaded.
  const records = loadExperimentRecords(settings.records, settings.format, settings.edits, settings.seed);
  const probes = loadRunProbes(settings);
  const saved = openRunFolder(out, options.resume === true, settings);
  const fingerprint = modelFingerprint(settings.model);
  if (saved && saved.model.fingerprint !== fingerprint)
    throw new Error(`--model ${settings.model}: the model folder changed since the run in ${out} began`);
  const recordsSha256 = fileSha256(settings.records);
  if (saved && saved.records.sha256 !== recordsSha256)
    throw new Error(`--records ${settings.records}: the file changed since the run in ${out} began`);

  const totalBatches = Math.ceil(settings.edits / settings.batchSize);
  const every = settings.evalEvery ?? totalBatches;
  const started = performance.now();
  let counts: ProgressCounts = { batches_done: 0, edits_done: 0, probe_evaluations: 0, seconds: 0 };
  let sessionEdits = 0;
  let stage: ExperimentProgress["stage"] = "statistics";
  const report = (detail: string) =>
    options.onProgress?.({
      stage,
      batch: counts.batches_done,
      batches: totalBatches,
      edits: counts.edits_done,
      totalEdits: settings.edits,
      detail,
      sessionEdits,
      sessionSeconds: (performance.now() - started) / 1000,
    });
  const model = loadModel(settings.model);
  const tokenizer = await loadTokenizer(settings.model);
  const layers = criticalLayersOf(settings, saved, model, tokenizer, records.requests, report);
  const editor = Editor.fromModel(model, tokenizer, settings.model, {
    method: settings.method,
    ...(layers ? { layers } : {}),
    blue: settings.blue,
    ...(settings.variant ? { variant: settings.variant } : {}),
    ...(settings.hparams !== null ? { hparams: settings.hparams } : {}),
    stats: {
      dir: settings.stats,
      ...(settings.corpus.length > 0
        ? { corpus: settings.corpus, ...(settings.samples !== null ? { samples: settings.samples } : {}) }
        : {}),
    },
    onProgress: (e) => report(describe(e)),
  });
  // Statistics and templates come from the unedited model, before a saved state is applied.
  await editor.prepare();
  const state = saved ? loadRunState(out) : null;
  const seconds0 = state?.progress.seconds ?? 0;
  const elapsed = () => seconds0 + (performance.now() - started) / 1000;
  if (state) {
    editor.importState(state.editor);
    counts = {
      batches_done: state.progress.batches_done,
      edits_done: state.progress.edits_done,
      probe_evaluations: state.progress.probe_evaluations,
      seconds: seconds0,
    };
  }
  if (!saved) mkdirSync(out, { recursive: true });
  const batchesPath = join(out, BATCHES_FILE);
  const probesPath = join(out, PROBES_FILE);
  keepJsonLines(batchesPath, counts.batches_done, "batches");
  keepJsonLines(probesPath, counts.probe_evaluations, "probe evaluations");
  const config = () =>
    buildRunConfig(
      {
        settings,
        command: options.command ?? "",
        editor,
        fingerprint,
        records,
        recordsSha256,
        probes: probes.map((p) => p.spec),
        evalEvery: every,
        batches: totalBatches,
        consistency: options.consistency !== undefined,
      },
      saved?.created,
    );
  if (!saved) writeRunConfig(out, config());

  const probeRound = () => {
    stage = "probes";
    const results = evaluateProbes(probes, editor.model, editor.tokenizer, {
      batchRows: settings.batchRows,
      onProgress: (task, done, total) => report(`probe ${task} (${done}/${total})`),
    });
    const line: ProbeLine = {
      edits: counts.edits_done,
      batches: counts.batches_done,
      seconds: elapsed(),
      probes: results,
    };
    appendJsonLine(probesPath, line);
    counts.probe_evaluations++;
  };
  const save = () => saveRunState(out, { ...counts, seconds: elapsed() }, editor.exportState());

  if (!state) {
    if (probes.length > 0) probeRound();
    save();
  }
  const warnedWeights = new Set<string>();
  for (let k = counts.batches_done + 1; k <= totalBatches; k++) {
    stage = "edit";
    report(`batch ${k}`);
    const batch = records.requests.slice((k - 1) * settings.batchSize, k * settings.batchSize);
    const log = await editor.edit(batch);
    counts.batches_done = k;
    counts.edits_done += batch.length;
    sessionEdits += batch.length;
    appendJsonLine(batchesPath, batchLine(log, counts.edits_done));
    for (const d of oversizedUpdates(log.deltas))
      if (!warnedWeights.has(d.weight)) {
        warnedWeights.add(d.weight);
        options.onWarning?.(
          k,
          `${describeOversizedUpdate(settings.method, d)} (said once per layer; every batch's norms are in ${BATCHES_FILE})`,
        );
      }
    if (probes.length > 0 && probesDue(k, totalBatches, every)) probeRound();
    save();
    // Derived hyperparameters are final after the first batch's keys: record them.
    if (k === 1 && editor.resolved.source === "derived") writeRunConfig(out, config());
  }

  stage = "metrics";
  report("final metrics");
  const metrics = finalMetrics(editor.model, editor.tokenizer, records, {
    fluency: !settings.skipGeneration,
    ...(options.consistency ? { consistency: options.consistency } : {}),
    batchRows: settings.batchRows,
    onProgress: (done, total, what) => report(`${what} (${done}/${total})`),
  });
  const lastProbes = readJsonLines<ProbeLine>(probesPath).at(-1);
  const result: MetricsFile = {
    edits: counts.edits_done,
    format: settings.format,
    metrics,
    general: lastProbes?.probes ?? {},
    seconds: elapsed(),
  };
  writeFileAtomic(join(out, METRICS_FILE), JSON.stringify(result, null, 2) + "\n");
  stage = "report";
  report("report.html, report.md");
  await writeRunReport([out], join(out, "report.html"), join(out, "report.md"));
  if (options.saveModel) {
    stage = "save";
    report(`saving ${options.saveModel}`);
    editor.save(options.saveModel);
  }
  return result;
}
