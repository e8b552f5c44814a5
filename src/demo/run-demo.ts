// The demo behind `locedit demo`: the project's main job on one model in one call. It loads the
// model, asks it the facts it is about to lose, computes (or finds cached) the covariance
// statistics of the layers the edits touch, then edits one batch of CounterFact records with MEMIT
// and with MEMIT+BLUE (Li et al., arXiv 2502.03748), each from the original weights, and scores the
// unedited and both edited models with evaluateCounterfact. Results stream through `onEvent`; the
// library prints nothing (the CLI renders them).
import type { CounterFactRecord } from "../data/counterfact/record.js";
import { Editor, type EditProgress } from "../editing/editor/editor.js";
import { countSamples } from "../stats/corpus.js";
import { loadOrComputeStats } from "../stats/compute.js";
import { evaluateCounterfact } from "../eval/counterfact/evaluate.js";
import type { CounterfactSummary } from "../eval/counterfact/metrics.js";
import { readCounterfactFile } from "../data/counterfact/parse.js";
import type { CausalLM } from "../models/causal-lm.js";
import { loadModel } from "../models/load.js";
import { sizeOf } from "../models/param-spec.js";
import { loadTokenizer } from "../tokenizers/load-tokenizer.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { probeRecords, type RecordProbe } from "./probe.js";
import { pickRecords } from "./records.js";

/** The two edits the demo compares, in order: name (JSON key), label, BLUE on or off. */
export const DEMO_METHODS = [
  { name: "memit", label: "MEMIT", blue: false },
  { name: "memit+blue", label: "MEMIT+BLUE", blue: true },
] as const;

export type DemoMethodName = (typeof DEMO_METHODS)[number]["name"];

export interface DemoOptions {
  modelDir: string;
  /** CounterFact records to edit (a JSON array) */
  recordsFile: string;
  /** statistics corpus (one sample a line) */
  corpusFiles: string[];
  /** statistics cache folder */
  statsDir: string;
  /** records edited in the one batch */
  count: number;
  /** seeded random choice of records (default: the first `count`); also seeds the context templates */
  seed?: number;
  /** compute_z steps (v_num_grad_steps) instead of the hyperparameter files' */
  steps?: number;
  /** statistics samples (default: the files' mom2_n_samples, at most the corpus's samples) */
  samples?: number;
  /** facts asked before editing (default 4) */
  facts?: number;
  onEvent?: (event: DemoEvent) => void;
}

export interface StatisticsReport {
  dir: string;
  layers: number[];
  samples: number;
  /** layers found in the cache, and layers computed by this run */
  cached: number[];
  computed: number[];
  seconds: number;
}

export interface MethodReport {
  name: "unedited" | DemoMethodName;
  label: string;
  summary: CounterfactSummary;
  probes: RecordProbe[];
  /** the layers whose W_out changed, and where the hyperparameters came from (edits only) */
  layers?: number[];
  hparamsSource?: string;
  /** compute_z steps and λ used (edits only) */
  steps?: number;
  lambda?: number;
  editSeconds: number;
  evalSeconds: number;
}

export interface DemoResult {
  modelDir: string;
  parameters: number;
  records: CounterFactRecord[];
  statistics: StatisticsReport;
  baseline: MethodReport;
  methods: MethodReport[];
  seconds: { load: number; total: number };
}

export type DemoEvent =
  | { kind: "loaded"; modelDir: string; parameters: number; seconds: number }
  | { kind: "facts"; facts: RecordProbe[]; records: CounterFactRecord[] }
  | { kind: "statistics"; report: StatisticsReport }
  | { kind: "scored"; report: MethodReport }
  | { kind: "progress"; label: string; done: number; total: number; detail?: string };

const seconds = (since: number) => (performance.now() - since) / 1000;

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const emit = options.onEvent ?? (() => undefined);
  const started = performance.now();
  const records = pickRecords(
    readCounterfactFile(options.recordsFile),
    options.count,
    options.seed,
    options.recordsFile,
  );
  const model = loadModel(options.modelDir);
  const tokenizer = await loadTokenizer(options.modelDir);
  const parameters = model.specs.filter((s) => !s.tiedTo).reduce((n, s) => n + sizeOf(s.shape), 0);
  const loadSeconds = seconds(started);
  emit({ kind: "loaded", modelDir: options.modelDir, parameters, seconds: loadSeconds });

  const baseline = score(model, tokenizer, records, { name: "unedited", label: "unedited" }, emit);
  emit({ kind: "facts", facts: baseline.probes.slice(0, options.facts ?? 4), records });

  const editorFor = (m: (typeof DEMO_METHODS)[number], samples?: number) =>
    Editor.fromModel(model, tokenizer, options.modelDir, {
      method: "memit",
      blue: m.blue,
      ...(options.steps === undefined ? {} : { hparams: { v_num_grad_steps: options.steps } }),
      stats: { dir: options.statsDir, corpus: options.corpusFiles, samples },
      seed: options.seed ?? 0,
      onProgress: (e) => {
        // statistics are loaded before editing; applying the deltas is instant
        if (e.stage === "z" || e.stage === "layer") emit(editProgress(m.label, e));
      },
    });
  // Editors resolve their hyperparameters when built: read the sample count from them first.
  const samples = statisticsSamples(
    options,
    DEMO_METHODS.map((m) => editorFor(m)),
  );
  const editors = DEMO_METHODS.map((m) => editorFor(m, samples));
  const statistics = await ensureStatistics(model, tokenizer, options, editors, samples, emit);
  emit({ kind: "statistics", report: statistics });

  const methods: MethodReport[] = [];
  for (const [i, editor] of editors.entries()) {
    const { name, label } = DEMO_METHODS[i];
    const log = await editor.edit(records.map((r) => ({ ...r })));
    const report = score(model, tokenizer, records, { name, label }, emit);
    report.editSeconds = log.timings_s.total;
    report.layers = log.layers;
    report.hparamsSource = log.hparams_source;
    report.steps = log.hparams.v_num_grad_steps;
    report.lambda = log.hparams.mom2_update_weight;
    editor.restore(); // the next method starts from the original weights
    methods.push(report);
    emit({ kind: "scored", report });
  }
  return {
    modelDir: options.modelDir,
    parameters,
    records,
    statistics,
    baseline,
    methods,
    seconds: { load: loadSeconds, total: seconds(started) },
  };
}

/** Probes and CounterFact metrics of the model as it stands. */
function score(
  model: CausalLM,
  tokenizer: Tokenizer,
  records: readonly CounterFactRecord[],
  which: Pick<MethodReport, "name" | "label">,
  emit: (event: DemoEvent) => void,
): MethodReport {
  const t = performance.now();
  const probes = probeRecords(model, tokenizer, records);
  const { summary } = evaluateCounterfact(model, tokenizer, records, {
    onProgress: (done, total) => emit({ kind: "progress", label: `scoring ${which.label}`, done, total }),
  });
  return { ...which, summary, probes, editSeconds: 0, evalSeconds: seconds(t) };
}

/** The hyperparameter files' mom2_n_samples (the smaller), capped at the corpus's size. */
function statisticsSamples(options: DemoOptions, editors: Editor[]): number {
  const available = countSamples(options.corpusFiles).reduce((a, b) => a + b, 0);
  if (available < 1)
    throw new Error(`${options.corpusFiles.join(", ")}: the statistics corpus holds no samples`);
  const wanted = options.samples ?? Math.min(...editors.map((e) => e.hparams.mom2_n_samples));
  return Math.min(wanted, available);
}

/**
 * Statistics of every layer either edit changes, loaded or computed once for both before editing
 * (so their time shows apart from the edits', and the editors find them cached).
 */
async function ensureStatistics(
  model: CausalLM,
  tokenizer: Tokenizer,
  options: DemoOptions,
  editors: Editor[],
  samples: number,
  emit: (event: DemoEvent) => void,
): Promise<StatisticsReport> {
  const layers = [...new Set(editors.flatMap((e) => e.updatedLayers))].sort((a, b) => a - b);
  const t = performance.now();
  const cached: number[] = [];
  await loadOrComputeStats(model, tokenizer, {
    layers,
    corpusFiles: options.corpusFiles,
    samples,
    cacheDir: options.statsDir,
    modelDir: options.modelDir,
    onProgress: (p) => {
      if (p.layer !== undefined) return void cached.push(p.layer);
      emit({ kind: "progress", label: "statistics", done: p.done, total: p.total });
    },
  });
  const computed = layers.filter((l) => !cached.includes(l));
  return { dir: options.statsDir, layers, samples, cached, computed, seconds: seconds(t) };
}

/** A progress bar per compute_z layer ("MEMIT compute_z layer 1") and one for the layer solves. */
function editProgress(label: string, e: EditProgress): DemoEvent {
  const what = e.stage === "z" ? `compute_z layer ${e.layer}` : e.stage === "layer" ? "updates" : e.stage;
  return { kind: "progress", label: `${label} ${what}`, done: e.step ?? 0, total: e.total ?? 1 };
}
