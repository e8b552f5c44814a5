// Reading a RUN/ folder for a report: config.json, batches.jsonl, probes.jsonl and (once the run
// has finished) metrics.json. Errors name the folder, the file and the line.
import { existsSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parseJsonText } from "../../io/json-text.js";
import { readRunConfig } from "../config.js";
import { readJsonLines } from "../jsonl.js";
import type { BatchLine, MetricsFile, ProbeLine, RunConfig } from "../types.js";

export interface RunData {
  dir: string;
  config: RunConfig;
  batches: BatchLine[];
  probes: ProbeLine[];
  /** null while the run has not finished */
  metrics: MetricsFile | null;
}

function optionalLines<T>(path: string): T[] {
  return existsSync(path) ? readJsonLines<T>(path) : [];
}

export function readRun(dir: string): RunData {
  if (!existsSync(dir)) throw new Error(`${dir}: no such run folder`);
  const config = readRunConfig(dir);
  for (const field of ["method", "settings", "model", "hparams"] as const)
    if (config[field] === undefined)
      throw new Error(`${join(dir, "config.json")}: field "${field}" is missing`);
  const batches = optionalLines<BatchLine>(join(dir, "batches.jsonl"));
  batches.forEach((b, i) => {
    if (!Number.isInteger(b.index) || !Array.isArray(b.layers) || !Array.isArray(b.requests) || !b.timings_s)
      throw new Error(
        `${join(dir, "batches.jsonl")}: line ${i + 1} must have "index", "layers", "requests" and "timings_s"`,
      );
  });
  const probes = optionalLines<ProbeLine>(join(dir, "probes.jsonl"));
  probes.forEach((p, i) => {
    if (!Number.isInteger(p.edits) || typeof p.probes !== "object" || p.probes === null)
      throw new Error(`${join(dir, "probes.jsonl")}: line ${i + 1} must have "edits" and "probes"`);
  });
  const metricsPath = join(dir, "metrics.json");
  const metrics = existsSync(metricsPath)
    ? (parseJsonText(readFileSync(metricsPath, "utf8"), metricsPath) as MetricsFile)
    : null;
  if (metrics && (typeof metrics.metrics !== "object" || metrics.metrics === null))
    throw new Error(`${metricsPath}: field "metrics" must be an object`);
  return { dir: resolve(dir), config, batches, probes, metrics };
}

/** "MEMIT", "MEMIT+BLUE", "PMET-seq+BLUE", … */
export function methodLabel(config: RunConfig): string {
  const name = { rome: "ROME", memit: "MEMIT", pmet: "PMET", alphaedit: "AlphaEdit" }[config.method];
  return `${name}${config.variant ? `-${config.variant}` : ""}${config.blue ? "+BLUE" : ""}`;
}

/** One name per run for legends: its method label, with the folder's name when two runs share it. */
export function seriesNames(runs: readonly RunData[]): string[] {
  const labels = runs.map((r) => methodLabel(r.config));
  return labels.map((label, i) =>
    labels.filter((l) => l === label).length > 1 ? `${label} (${basename(runs[i].dir)})` : label,
  );
}
