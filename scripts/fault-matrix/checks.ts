// What the fault matrix checks on disk after each fault: every statistics file that exists reads
// back verified (checksum, plausible sum) and every final one is bit-identical to the reference;
// every model folder that exists is complete and bit-identical to the reference; and, once a
// command has run again, no temporary file, staging folder or partial file is left.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { readPartialFile, readStatsFile } from "../../src/stats/stats-file.js";
import type { StatsKey } from "../../src/stats/types.js";

export function sha256(path: string): string {
  return createHash("sha256").update(readFileSync(path)).digest("hex");
}

/** Every file under `dir` (relative path → sha256); {} when `dir` does not exist. */
export function fileHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = sha256(path);
    }
  };
  walk(dir);
  return out;
}

const TEMPORARY = /\.(tmp|old)-\d+-[0-9a-f]{8}$/;

/** Temporary files and staging folders (locedit's `<name>.tmp-<pid>-<hex>`) under `dirs`. */
export function leftovers(...dirs: string[]): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    if (!existsSync(at)) return;
    for (const name of readdirSync(at)) {
      const path = join(at, name);
      if (TEMPORARY.test(name)) found.push(path);
      else if (statSync(path).isDirectory()) walk(path);
    }
  };
  dirs.forEach(walk);
  return found;
}

/** Problems with a statistics cache folder compared with the reference folder's final files. */
export function checkStatsDir(dir: string, reference: Record<string, string>, finished: boolean): string[] {
  const problems: string[] = [];
  const files = fileHashes(dir);
  for (const [file, hash] of Object.entries(files)) {
    const path = join(dir, file);
    if (TEMPORARY.test(file)) continue; // a write cut short: allowed until the next run cleans it
    try {
      if (file.endsWith(".partial.safetensors")) {
        readPartialFile(path, partialKey(path));
        if (finished) problems.push(`${file}: a partial file survived a finished run`);
      } else {
        readStatsFile(path);
        if (reference[file] !== hash) problems.push(`${file}: differs from the uninterrupted run`);
      }
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  if (finished)
    for (const file of Object.keys(reference))
      if (files[file] === undefined) problems.push(`${file}: missing after the run finished`);
  return problems;
}

/** The key a partial file claims (so reading it verifies its checksum and sum, not the key). */
function partialKey(path: string): StatsKey {
  const header = readFileSync(path);
  const length = Number(header.readBigUInt64LE(0));
  const meta = JSON.parse(header.subarray(8, 8 + length).toString("utf8")).__metadata__ as Record<
    string,
    string
  >;
  return {
    model: meta.model,
    layer: Number(meta.layer),
    corpus: meta.corpus,
    samples: Number(meta.samples),
    maxLen: Number(meta.max_len),
    dtype: meta.dtype as StatsKey["dtype"],
  };
}

/** Problems with an edited model folder: absent is fine; present must equal the reference. */
export function checkModelDir(dir: string, reference: Record<string, string>): string[] {
  if (!existsSync(dir)) return [];
  const files = fileHashes(dir);
  const problems: string[] = [];
  for (const [file, hash] of Object.entries(reference)) {
    if (file === "edit-log.json") continue; // timings differ between runs
    if (files[file] === undefined) problems.push(`${dir}: ${file} is missing (a half-written folder)`);
    else if (files[file] !== hash) problems.push(`${dir}: ${file} differs from the uninterrupted run`);
  }
  for (const file of Object.keys(files))
    if (reference[file] === undefined) problems.push(`${dir}: unexpected file ${file}`);
  return problems;
}

/** The value with every "seconds" and "timings_s" field removed (they differ between runs). */
function figures(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(figures);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== "seconds" && k !== "timings_s")
      .map(([k, v]) => [k, figures(v)]),
  );
}

/** Every complete line of a JSON-lines file parsed (a torn last line is what a kill may leave). */
function jsonLines(path: string, finished: boolean): unknown[] {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  const complete = finished || text.endsWith("\n") ? lines.filter((l) => l !== "") : lines.slice(0, -1);
  return complete.map((l) => JSON.parse(l) as unknown);
}

/**
 * Problems with an experiment run folder: while unfinished, each file present parses and
 * metrics.json is absent or complete; once finished, metrics.json and batches.jsonl equal the
 * reference run's figures.
 */
export function checkExperimentDir(dir: string, reference: string, finished: boolean): string[] {
  const problems: string[] = [];
  if (!existsSync(dir)) return finished ? [`${dir}: missing after the rerun`] : [];
  for (const file of ["config.json", "metrics.json", "state/progress.json"]) {
    const path = join(dir, file);
    if (!existsSync(path)) {
      if (finished) problems.push(`${file}: missing after the rerun`);
      continue;
    }
    try {
      JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message} (half-written)`);
    }
  }
  const batches = join(dir, "batches.jsonl");
  try {
    const ours = existsSync(batches) ? jsonLines(batches, finished) : [];
    const theirs = jsonLines(join(reference, "batches.jsonl"), true);
    if (finished && JSON.stringify(figures(ours)) !== JSON.stringify(figures(theirs)))
      problems.push("batches.jsonl: differs from the uninterrupted run (timings aside)");
  } catch (error) {
    problems.push(`batches.jsonl: ${(error as Error).message}`);
  }
  const metrics = join(dir, "metrics.json");
  if (finished && existsSync(metrics)) {
    const ours = figures(JSON.parse(readFileSync(metrics, "utf8")));
    const theirs = figures(JSON.parse(readFileSync(join(reference, "metrics.json"), "utf8")));
    if (JSON.stringify(ours) !== JSON.stringify(theirs))
      problems.push("metrics.json: differs from the uninterrupted run (timings aside)");
  }
  return problems;
}
