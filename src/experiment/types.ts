// The RUN/ folder of `locedit experiment` (a contract other tools read): config.json, batches.jsonl
// (one line per finished batch), probes.jsonl (one line per probe evaluation), metrics.json (the
// final figures), report.html and report.md, and state/ (what a resumed run continues from).
import type { RequestRecord } from "../editing/editor/edit-log.js";
import type { EditHparams, EditMethod } from "../editing/hparams/types.js";
import type { EditVariant } from "../editing/methods/variants/index.js";
import type { ProbeResult } from "../eval/probes/run-probe.js";

export type RecordFormat = "counterfact" | "zsre";

/** What defines a run (the command's flags): a resumed run must be given the same ones. */
export interface ExperimentSettings {
  model: string;
  method: EditMethod;
  blue: boolean;
  variant: EditVariant | null;
  records: string;
  format: RecordFormat;
  edits: number;
  batchSize: number;
  /** batches between probe evaluations (null: before the first batch and after the last only) */
  evalEvery: number | null;
  /** TASK=FILE of each probe */
  probes: string[];
  probeStart: number;
  probeLimit: number | null;
  hparams: string | null;
  stats: string;
  corpus: string[];
  samples: number | null;
  /** seed of the record draw (null: the first N records) */
  seed: number | null;
  /** skip the sampled generations (fluency, consistency) */
  skipGeneration: boolean;
  snippets: string | null;
  tfidfVocab: string | null;
  idf: string | null;
  tfidfCorpus: string[];
  batchRows: number;
}

/** The command-line flag of each setting (a resumed run's mismatch names it). */
export const SETTING_FLAGS: Record<keyof ExperimentSettings, string> = {
  model: "--model",
  method: "--method",
  blue: "--blue",
  variant: "--variant",
  records: "--records",
  format: "--format",
  edits: "--edits",
  batchSize: "--batch-size",
  evalEvery: "--eval-every",
  probes: "--probe",
  probeStart: "--probe-start",
  probeLimit: "--probe-limit",
  hparams: "--hparams",
  stats: "--stats",
  corpus: "--corpus",
  samples: "--samples",
  seed: "--seed",
  skipGeneration: "--skip-generation",
  snippets: "--snippets",
  tfidfVocab: "--tfidf-vocab",
  idf: "--idf",
  tfidfCorpus: "--tfidf-corpus",
  batchRows: "--batch-rows",
};

/** config.json */
export interface RunConfig {
  locedit_version: string;
  /** the command line that reproduces this run (add --resume to continue it) */
  command: string;
  created: string;
  settings: ExperimentSettings;
  model: {
    dir: string;
    fingerprint: string;
    architecture: string;
    layers: number;
    hidden_size: number;
    intermediate_size: number;
    max_positions: number;
  };
  records: {
    file: string;
    sha256: string;
    format: RecordFormat;
    available: number;
    case_ids: (number | string)[];
  };
  method: EditMethod;
  blue: boolean;
  variant: EditVariant | null;
  /** whether the solve keeps the keys of earlier batches (seq's Σ K_pK_pᵀ, AlphaEdit's cache_c) */
  key_history: boolean;
  updated_layers: number[];
  batches: number;
  hparams: EditHparams;
  hparams_source: string;
  hparams_derivation?: Record<string, string>;
  hparams_warnings?: string[];
  context_templates: string[][];
  statistics: { dir: string; corpus: string[]; samples: number | null };
  /** batches between probe evaluations (probes also run before the first and after the last) */
  eval_every: number;
  probes: { task: string; file: string; start: number; limit: number | null }[];
  evaluation: {
    fluency: boolean;
    wild: boolean;
    consistency: { snippets: string; vectorizer: string } | null;
    batch_rows: number;
  };
}

export interface BatchRequestLine {
  case_id: number | string;
  /** per compute_z run (one per boundary layer with BLUE): the loss before and after optimising δ */
  z: RequestRecord["z"];
}

/** One line of batches.jsonl. */
export interface BatchLine {
  index: number;
  /** edits done after this batch */
  edits: number;
  case_ids: (number | string)[];
  timings_s: { statistics: number; z: number; keys: number; solve: number; apply: number; total: number };
  /** per updated layer: ‖ΔW‖ of this batch, ‖W‖ before it, and ‖W − W₀‖ after it (Frobenius) */
  layers: { layer: number; weight: string; delta_norm: number; weight_norm: number; shift_norm: number }[];
  requests: BatchRequestLine[];
}

/** One line of probes.jsonl. */
export interface ProbeLine {
  edits: number;
  batches: number;
  seconds: number;
  probes: Record<string, ProbeResult>;
}

/** metrics.json */
export interface MetricsFile {
  edits: number;
  format: RecordFormat;
  metrics: Record<string, unknown>;
  general: Record<string, ProbeResult>;
  seconds: number;
}
