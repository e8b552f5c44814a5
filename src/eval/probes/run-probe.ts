// One interface for the general-capability probes, so that `locedit eval` and the experiment
// pipeline can pass `--probe TASK=FILE` straight through:
//   sst2 | mrpc | cola | rte | mmlu | nli   glue_eval rows (JSON array or JSON Lines) → glue.ts
//   perplexity                              a plain-text file → perplexity.ts
//   retention                               CounterFact-format records of unedited facts → retention.ts
// `loadProbe` reads and validates the file once (errors name the file, row and field), so a
// pipeline can fail before any edit and re-run the probe after every few batches with `runProbe`.
// Results are plain JSON: {task, file, n, skipped, …figures}.
import type { CounterFactRecord } from "../../data/counterfact/record.js";
import type { CausalLM } from "../../models/causal-lm.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { readFileSync } from "node:fs";
import { readCounterfactFile } from "../../data/counterfact/parse.js";
import { glueItems, runGlueItems, type GlueProbeResult } from "./glue.js";
import { GLUE_TASKS, type GlueItem, type GlueTask } from "./glue-tasks.js";
import { perplexityOfText, type PerplexityResult } from "./perplexity.js";
import { evaluateRetention, type RetentionResult } from "./retention.js";
import { readProbeRows } from "./rows.js";

export type ProbeTask = GlueTask | "perplexity" | "retention";
export const PROBE_TASKS: readonly ProbeTask[] = [...GLUE_TASKS, "perplexity", "retention"];

export interface ProbeSpec {
  task: ProbeTask;
  file: string;
  /** rows (glue tasks, retention records) to skip first; the published protocol skips the 10-row few-shot pool */
  start?: number;
  /** rows to use after `start` (the published protocol: 100) */
  limit?: number;
}

export type LoadedProbe =
  | { spec: ProbeSpec; kind: "glue"; task: GlueTask; items: GlueItem[] }
  | { spec: ProbeSpec; kind: "perplexity"; text: string }
  | { spec: ProbeSpec; kind: "retention"; records: CounterFactRecord[] };

export interface ProbeOptions {
  /** rows per forward / prompts per generate call */
  batchRows?: number;
  /** glue tasks: greedy tokens generated per item (default 5) and whether to generate (default true) */
  genLen?: number;
  generation?: boolean;
  /** perplexity: window step (default: the context) and a cap on the tokens read */
  stride?: number;
  maxTokens?: number;
  onProgress?: (done: number, total: number) => void;
}

export type ProbeResult = (GlueProbeResult | PerplexityResult | RetentionResult) & { file: string };

/** Parses "TASK=FILE" (the `--probe` flag); errors name the flag and the known tasks. */
export function parseProbeArgument(argument: string): ProbeSpec {
  const at = argument.indexOf("=");
  const task = at < 0 ? argument : argument.slice(0, at);
  const file = at < 0 ? "" : argument.slice(at + 1);
  if (!PROBE_TASKS.includes(task as ProbeTask))
    throw new Error(
      `--probe ${JSON.stringify(argument)}: unknown task ${JSON.stringify(task)}; expected TASK=FILE with TASK one of ${PROBE_TASKS.join(", ")}`,
    );
  if (file === "")
    throw new Error(`--probe ${JSON.stringify(argument)}: expected TASK=FILE, the file is missing`);
  return { task: task as ProbeTask, file };
}

function window<T>(rows: readonly T[], spec: ProbeSpec): T[] {
  const start = spec.start ?? 0;
  const limit = spec.limit ?? Infinity;
  for (const [name, value] of [
    ["start", start],
    ["limit", limit],
  ] as const)
    if (!(value === Infinity || (Number.isInteger(value) && value >= 0)))
      throw new Error(`probe ${spec.task}=${spec.file}: ${name} must be an integer ≥ 0, got ${value}`);
  const slice = rows.slice(start, start + limit);
  if (slice.length === 0)
    throw new Error(`${spec.file}: no ${spec.task} rows left after skipping ${start} of ${rows.length}`);
  return slice;
}

/** Reads and validates a probe's file. */
export function loadProbe(spec: ProbeSpec): LoadedProbe {
  if (!PROBE_TASKS.includes(spec.task))
    throw new Error(
      `unknown probe task ${JSON.stringify(spec.task)}; expected one of ${PROBE_TASKS.join(", ")}`,
    );
  if (spec.task === "perplexity") {
    let text: string;
    try {
      text = readFileSync(spec.file, "utf8");
    } catch (error) {
      throw new Error(`cannot read probe file ${spec.file}: ${(error as Error).message}`, { cause: error });
    }
    if (text.trim() === "") throw new Error(`${spec.file}: the perplexity text is empty`);
    return { spec, kind: "perplexity", text };
  }
  if (spec.task === "retention")
    return { spec, kind: "retention", records: window(readCounterfactFile(spec.file), spec) };
  const rows = window(readProbeRows(spec.file), spec);
  return { spec, kind: "glue", task: spec.task, items: glueItems(spec.task, rows, spec.file) };
}

/** Runs one probe on the model as it stands; a ProbeSpec is loaded first. */
export function runProbe(
  probe: ProbeSpec | LoadedProbe,
  model: CausalLM,
  tokenizer: Tokenizer,
  options: ProbeOptions = {},
): ProbeResult {
  const loaded = "kind" in probe ? probe : loadProbe(probe);
  const file = loaded.spec.file;
  switch (loaded.kind) {
    case "perplexity":
      return { ...perplexityOfText(loaded.text, model, tokenizer, options, file), file };
    case "retention":
      return { ...evaluateRetention(loaded.records, model, tokenizer, { ...options, source: file }), file };
    case "glue":
      return { ...runGlueItems(loaded.task, loaded.items, model, tokenizer, options), file };
  }
}
