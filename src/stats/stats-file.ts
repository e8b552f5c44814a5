// On-disk statistics (the layer_stats cache of ROME/MEMIT): one safetensors file per layer,
//   <cacheDir>/<model fp[:16]>/layer-<l>.<corpus fp[:16]>.n<samples>[.from<first>].t<maxLen>.<dtype>.safetensors
// holding "sum" (dim, dim) — F32 for dtype float32, F64 for float64 and for shards (`--shard`:
// samples from `first` on, kept exact for merging) — and "count" (F64 scalar),
// with the whole key, the count and the locedit version in `__metadata__`. A run in progress keeps
// `<same name without .safetensors>.partial.safetensors`: the float64 sum so far (always F64, so a
// resumed run ends bit-identical) and the plan cursor to resume from. Writes are atomic.
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { openSafetensors, type SafetensorsFile } from "../io/safetensors-read.js";
import { writeSafetensors } from "../io/safetensors-write.js";
import type { BatchPlan, PlanCursor } from "./batches.js";
import type { LayerStats, StatsDtype, StatsKey, StatsRef } from "./types.js";
import { packageVersion } from "../util/package-root.js";

const FORMAT = "locedit-layer-stats";
const FORMAT_VERSION = "1";

export function shortFingerprint(fingerprint: string): string {
  const merged = /^merged:([0-9a-f]+)$/.exec(fingerprint);
  return merged ? `merged-${merged[1].slice(0, 16)}` : fingerprint.slice(0, 16);
}

/** Path of the statistics file of `key` under `dir`. */
export function statsPath(dir: string, key: StatsKey): string {
  const from = key.first ? `.from${key.first}` : "";
  const name = `layer-${key.layer}.${shortFingerprint(key.corpus)}.n${key.samples}${from}.t${key.maxLen}.${key.dtype}`;
  return join(dir, shortFingerprint(key.model), `${name}.safetensors`);
}

export function partialPath(dir: string, key: StatsKey): string {
  return statsPath(dir, key).replace(/\.safetensors$/, ".partial.safetensors");
}

/**
 * Writes final statistics atomically, the sum stored in the key's dtype (or in float64 with
 * `float64`: shards); `extra` joins the metadata.
 */
export function writeStatsFile(
  path: string,
  stats: LayerStats,
  extra: Record<string, string> = {},
  float64 = false,
): void {
  const shape = [stats.dim, stats.dim];
  const sum =
    stats.key.dtype === "float64" || float64
      ? { dtype: "F64" as const, shape, data: stats.sum }
      : { dtype: "F32" as const, shape, data: stats.sum }; // narrowed chunk by chunk as it is written
  mkdirSync(dirname(path), { recursive: true });
  writeSafetensors(
    path,
    { sum, count: { dtype: "F64", shape: [], data: new Float64Array([stats.count]) } },
    {
      ...keyMetadata(stats.key),
      dim: String(stats.dim),
      count: String(stats.count),
      kind: "final",
      ...extra,
    },
  );
}

/** Reads a statistics file; with `expected`, every key field must match. Errors name the file. */
export function readStatsFile(path: string, expected?: StatsKey): LayerStats {
  return withStatsFile(path, "final", (file) => {
    const key = keyFromMetadata(file.metadata, path);
    if (expected) requireSameKey(key, expected, path);
    const { dim, count, sum } = readSumAndCount(file, path);
    if (key.dtype === "float64" && file.info("sum").dtype !== "F64")
      throw new Error(`${path}: dtype float64 statistics must store 'sum' as F64`);
    return { layer: key.layer, dim, count, sum, key };
  });
}

/**
 * The corpus parts a statistics file sums over, as `<corpus fingerprint>#<first>-<end>` (sample
 * range) or a bare fingerprint (a merge from before ranges were recorded: all of that corpus):
 * its own, or a merged file's list.
 */
export function readCorpusLeaves(path: string): string[] {
  return withStatsFile(path, "final", (file) => {
    const shards = file.metadata.shards;
    if (shards === undefined) {
      const key = keyFromMetadata(file.metadata, path);
      return [corpusLeaf(key.corpus, key.first ?? 0, (key.first ?? 0) + key.samples)];
    }
    const list = parseJsonField(file.metadata, "shards", path);
    if (!Array.isArray(list) || !list.every((item) => typeof item === "string"))
      throw new Error(`${path}: metadata 'shards' must be a JSON list of corpus fingerprints`);
    return list as string[];
  });
}

/** Whether a statistics file stores its sum in float64 (F64). */
export function storesFloat64(path: string): boolean {
  return withStatsFile(path, "final", (file) => file.info("sum").dtype === "F64");
}

/** A corpus part: samples [first, end) of the corpus with this fingerprint. */
export function corpusLeaf(corpus: string, first: number, end: number): string {
  return `${corpus}#${first}-${end}`;
}

export interface PartialStats {
  sum: Float64Array;
  count: number;
  /** the next batch to run */
  cursor: PlanCursor;
  plan: BatchPlan;
}

export function writePartialFile(path: string, key: StatsKey, partial: PartialStats): void {
  const dim = Math.round(Math.sqrt(partial.sum.length));
  const { cursor, plan } = partial;
  mkdirSync(dirname(path), { recursive: true });
  writeSafetensors(
    path,
    {
      sum: { dtype: "F64", shape: [dim, dim], data: partial.sum },
      count: { dtype: "F64", shape: [], data: new Float64Array([partial.count]) },
    },
    {
      ...keyMetadata(key),
      kind: "partial",
      dim: String(dim),
      count: String(partial.count),
      cursor: JSON.stringify(cursor),
      plan: JSON.stringify(plan),
    },
  );
}

/** The partial sums of `key`, or null when there is no partial file. */
export function readPartialFile(path: string, key: StatsKey): PartialStats | null {
  if (!existsSync(path)) return null;
  return withStatsFile(path, "partial", (file) => {
    requireSameKey(keyFromMetadata(file.metadata, path), key, path);
    const { count, sum } = readSumAndCount(file, path);
    const cursor = parseJsonField(file.metadata, "cursor", path) as PlanCursor;
    const plan = parseJsonField(file.metadata, "plan", path) as BatchPlan;
    return { sum, count, cursor, plan };
  });
}

function withStatsFile<T>(path: string, kind: string, read: (file: SafetensorsFile) => T): T {
  const file = openSafetensors(path);
  try {
    const meta = file.metadata;
    if (meta.format !== FORMAT)
      throw new Error(`${path}: not a locedit statistics file (metadata 'format' is ${meta.format})`);
    if (meta.format_version !== FORMAT_VERSION)
      throw new Error(
        `${path}: statistics format version ${meta.format_version}, expected ${FORMAT_VERSION}`,
      );
    if (meta.kind !== kind) throw new Error(`${path}: a ${meta.kind} statistics file, expected ${kind}`);
    return read(file);
  } finally {
    file.close();
  }
}

/** A final statistics file's key, width and count, without reading the sum (checked like readStatsFile). */
export function readStatsRef(path: string, expected?: StatsKey): StatsRef {
  return withStatsFile(path, "final", (file) => {
    const key = keyFromMetadata(file.metadata, path);
    if (expected) requireSameKey(key, expected, path);
    const { dim, count } = readShapeAndCount(file, path);
    return { layer: key.layer, dim, count, key, path };
  });
}

function readSumAndCount(file: SafetensorsFile, path: string) {
  return { ...readShapeAndCount(file, path), sum: readSum(file) };
}

function readShapeAndCount(file: SafetensorsFile, path: string) {
  const dim = Number(file.metadata.dim);
  const shape = file.has("sum") ? file.info("sum").shape : [];
  if (shape.length !== 2 || shape[0] !== dim || shape[1] !== dim)
    throw new Error(`${path}: tensor 'sum' has shape [${shape.join(", ")}], expected [${dim}, ${dim}]`);
  const countInfo = file.has("count") ? file.info("count") : null;
  if (countInfo === null || countInfo.dtype !== "F64" || countInfo.shape.length !== 0)
    throw new Error(`${path}: expected an F64 scalar tensor 'count'`);
  const stored = new Float64Array(file.readBytes("count").buffer, 0, 1)[0];
  if (String(stored) !== file.metadata.count)
    throw new Error(`${path}: tensor 'count' ${stored} disagrees with metadata count ${file.metadata.count}`);
  return { dim, count: stored };
}

function readSum(file: SafetensorsFile): Float64Array {
  const info = file.info("sum");
  if (info.dtype === "F64") {
    const bytes = file.readBytes("sum");
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  }
  // Widen in place: the float32 values are read into the upper half of the float64 buffer and
  // moved down one by one; value i lands on bytes [8i, 8i + 8), below every value not yet moved.
  const n = info.shape[0] * info.shape[1];
  const sum = new Float64Array(n);
  const upper = new Float32Array(sum.buffer, 4 * n, n);
  file.readFloat32("sum", upper);
  for (let i = 0; i < n; i++) sum[i] = upper[i];
  return sum;
}

function keyMetadata(key: StatsKey): Record<string, string> {
  return {
    format: FORMAT,
    format_version: FORMAT_VERSION,
    locedit_version: loceditVersion(),
    model: key.model,
    layer: String(key.layer),
    corpus: key.corpus,
    samples: String(key.samples),
    ...(key.first ? { first: String(key.first) } : {}),
    max_len: String(key.maxLen),
    dtype: key.dtype,
  };
}

function keyFromMetadata(meta: Readonly<Record<string, string>>, path: string): StatsKey {
  for (const field of ["model", "layer", "corpus", "samples", "max_len", "dtype", "dim", "count"])
    if (meta[field] === undefined) throw new Error(`${path}: statistics metadata lacks '${field}'`);
  if (meta.dtype !== "float32" && meta.dtype !== "float64")
    throw new Error(`${path}: statistics dtype '${meta.dtype}', expected float32 or float64`);
  return {
    model: meta.model,
    layer: Number(meta.layer),
    corpus: meta.corpus,
    samples: Number(meta.samples),
    ...(meta.first !== undefined && Number(meta.first) !== 0 ? { first: Number(meta.first) } : {}),
    maxLen: Number(meta.max_len),
    dtype: meta.dtype as StatsDtype,
  };
}

/** Throws naming the file and every field whose value differs. */
export function requireSameKey(found: StatsKey, expected: StatsKey, path: string): void {
  const fields = ["model", "layer", "corpus", "samples", "first", "maxLen", "dtype"] as const;
  const value = (key: StatsKey, f: (typeof fields)[number]) => (f === "first" ? (key.first ?? 0) : key[f]);
  const differ = fields.filter((f) => value(found, f) !== value(expected, f));
  if (differ.length > 0)
    throw new Error(
      `${path}: statistics key does not match: ` +
        differ.map((f) => `${f} is ${value(found, f)}, expected ${value(expected, f)}`).join("; "),
    );
}

function parseJsonField(meta: Readonly<Record<string, string>>, field: string, path: string): unknown {
  try {
    return JSON.parse(meta[field]);
  } catch {
    throw new Error(`${path}: metadata '${field}' is not valid JSON`);
  }
}

/** locedit's package.json version. */
export function loceditVersion(): string {
  return packageVersion();
}
