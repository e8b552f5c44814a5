// On-disk statistics (the layer_stats cache of ROME/MEMIT): one safetensors file per layer,
//   <cacheDir>/<model fp[:16]>/layer-<l>.<corpus fp[:16]>.n<samples>[.from<first>].t<maxLen>.<dtype>.safetensors
// holding "sum" (dim, dim) — F32 for dtype float32, F64 for float64 and for shards (`--shard`:
// samples from `first` on, kept exact for merging) — and "count" (F64 scalar),
// with the whole key, the count and the locedit version in `__metadata__`. A run in progress keeps
// `<same name without .safetensors>.partial.safetensors`: the float64 sum so far (always F64, so a
// resumed run ends bit-identical) and the plan cursor to resume from. Writes are atomic. Every
// file carries a checksum of its key and data, and its sum is checked plausible on read (integrity.ts).
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { openSafetensors, type SafetensorsFile } from "../io/safetensors-read.js";
import { writeSafetensors } from "../io/safetensors-write.js";
import type { BatchPlan, PlanCursor } from "./batches.js";
import type { LayerStats, StatsDtype, StatsKey, StatsRef } from "./types.js";
import { packageVersion } from "../util/package-root.js";
import {
  CHECKSUM_FIELD,
  requireChecksum,
  requirePlausibleSum,
  statsChecksum,
  type ByteChunks,
} from "./integrity.js";

const FORMAT = "locedit-layer-stats";
/** 2: with a checksum (version 1 files have none and are refused) */
const FORMAT_VERSION = "2";

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
  const count = { dtype: "F64" as const, shape: [], data: new Float64Array([stats.count]) };
  mkdirSync(dirname(path), { recursive: true });
  const metadata = {
    ...keyMetadata(stats.key),
    dim: String(stats.dim),
    count: String(stats.count),
    kind: "final",
    ...extra,
  };
  writeSafetensors(
    path,
    { sum, count },
    withChecksum(metadata, storedSumBytes(stats.sum, sum.dtype), count.data),
  );
}

function bytesOf(data: Float32Array | Float64Array): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** Elements narrowed at a time for the checksum of a float32 sum. */
const NARROW_CHUNK = 1 << 20;

/** The bytes `sum` is stored as: itself (F64), or narrowed to float32 a chunk at a time (F32). */
function storedSumBytes(sum: Float64Array, dtype: "F32" | "F64"): Uint8Array | ByteChunks {
  if (dtype === "F64") return bytesOf(sum);
  function* chunks() {
    const buffer = new Float32Array(Math.min(NARROW_CHUNK, sum.length));
    for (let start = 0; start < sum.length; start += NARROW_CHUNK) {
      const part = buffer.subarray(0, Math.min(NARROW_CHUNK, sum.length - start));
      part.set(sum.subarray(start, start + part.length));
      yield bytesOf(part);
    }
  }
  return { length: 4 * sum.length, chunks: chunks() };
}

function withChecksum(
  metadata: Record<string, string>,
  sum: Uint8Array | ByteChunks,
  count: Float64Array,
): Record<string, string> {
  return { ...metadata, [CHECKSUM_FIELD]: statsChecksum(metadata, sum, bytesOf(count)) };
}

/**
 * Reads a statistics file; with `expected`, every key field must match; `into` (dim² values)
 * receives the sum instead of a new buffer. Errors name the file.
 */
export function readStatsFile(path: string, expected?: StatsKey, into?: Float64Array): LayerStats {
  return withStatsFile(path, "final", (file) => {
    const key = keyFromMetadata(file.metadata, path);
    if (expected) requireSameKey(key, expected, path);
    const { dim, count, sum } = readSumAndCount(file, path, into);
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
  const count = new Float64Array([partial.count]);
  mkdirSync(dirname(path), { recursive: true });
  const metadata = {
    ...keyMetadata(key),
    kind: "partial",
    dim: String(dim),
    count: String(partial.count),
    cursor: JSON.stringify(cursor),
    plan: JSON.stringify(plan),
  };
  writeSafetensors(
    path,
    {
      sum: { dtype: "F64", shape: [dim, dim], data: partial.sum },
      count: { dtype: "F64", shape: [], data: count },
    },
    withChecksum(metadata, bytesOf(partial.sum), count),
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
        `${path}: statistics format version ${meta.format_version}, expected ${FORMAT_VERSION}` +
          (meta.format_version === "1"
            ? " (version 1 files carry no checksum: delete it to compute it again)"
            : ""),
      );
    if (meta.kind !== kind) throw new Error(`${path}: a ${meta.kind} statistics file, expected ${kind}`);
    return read(file);
  } finally {
    file.close();
  }
}

/** One metadata field of a final statistics file (undefined when absent), without reading the sum. */
export function readStatsMetadata(path: string, field: string): string | undefined {
  return withStatsFile(path, "final", (file) => file.metadata[field]);
}

/**
 * A final statistics file's key, width and count, without reading the sum (checked like
 * readStatsFile, except for the checksum and the sum's plausibility: those are verified when the
 * sum is read).
 */
export function readStatsRef(path: string, expected?: StatsKey): StatsRef {
  return withStatsFile(path, "final", (file) => {
    const key = keyFromMetadata(file.metadata, path);
    if (expected) requireSameKey(key, expected, path);
    const { dim, count } = readShapeAndCount(file, path);
    return { layer: key.layer, dim, count, key, path };
  });
}

/** Width, count and sum (float64), the checksum verified on the stored bytes and the sum checked plausible. */
function readSumAndCount(file: SafetensorsFile, path: string, into?: Float64Array) {
  const { dim, count, countBytes } = readShapeAndCount(file, path);
  if (into && into.length !== dim * dim)
    throw new Error(
      `${path}: the sum is ${dim}×${dim}, the buffer to read it into holds ${into.length} values`,
    );
  const sum = readSum(file, (sumBytes) => requireChecksum(file.metadata, sumBytes, countBytes, path), into);
  requirePlausibleSum(sum, dim, count, path);
  return { dim, count, sum };
}

function readShapeAndCount(file: SafetensorsFile, path: string) {
  const dim = Number(file.metadata.dim);
  const shape = file.has("sum") ? file.info("sum").shape : [];
  if (shape.length !== 2 || shape[0] !== dim || shape[1] !== dim)
    throw new Error(`${path}: tensor 'sum' has shape [${shape.join(", ")}], expected [${dim}, ${dim}]`);
  const countInfo = file.has("count") ? file.info("count") : null;
  if (countInfo === null || countInfo.dtype !== "F64" || countInfo.shape.length !== 0)
    throw new Error(`${path}: expected an F64 scalar tensor 'count'`);
  const sumInfo = file.info("sum");
  if (sumInfo.dtype !== "F64" && sumInfo.dtype !== "F32")
    throw new Error(`${path}: tensor 'sum' has dtype ${sumInfo.dtype}, expected F32 or F64`);
  const countBytes = file.readBytes("count");
  const stored = new Float64Array(countBytes.buffer, countBytes.byteOffset, 1)[0];
  // a damaged file is named as such (checksum mismatch) before what the damage looks like
  const damaged = (message: string): never => {
    readSum(file, (sumBytes) => requireChecksum(file.metadata, sumBytes, countBytes, path));
    throw new Error(`${path}: ${message}`);
  };
  if (String(stored) !== file.metadata.count)
    damaged(`tensor 'count' ${stored} disagrees with metadata count ${file.metadata.count}`);
  if (!(Number.isInteger(stored) && stored >= 0))
    damaged(`tensor 'count' is ${stored}, expected a token count`);
  return { dim, count: stored, countBytes };
}

/**
 * The sum widened to float64, in `into` (of its size) when given, else in a new buffer; `verify`
 * sees its stored bytes first (before the in-place widening).
 */
function readSum(
  file: SafetensorsFile,
  verify: (storedBytes: Uint8Array) => void,
  into?: Float64Array,
): Float64Array {
  const info = file.info("sum");
  const n = info.shape[0] * info.shape[1];
  const sum = into ?? new Float64Array(n);
  if (info.dtype === "F64") {
    const bytes = file.readBytes("sum", new Uint8Array(sum.buffer, sum.byteOffset, sum.byteLength));
    verify(bytes);
    return sum;
  }
  // Widen in place: the float32 values are read into the upper half of the float64 buffer and
  // moved down one by one; value i lands on bytes [8i, 8i + 8), below every value not yet moved.
  const upper = new Float32Array(sum.buffer, sum.byteOffset + 4 * n, n);
  file.readFloat32("sum", upper);
  verify(bytesOf(upper));
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
