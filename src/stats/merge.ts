// Merging statistics shards (ARCHITECTURE.md §3: statistics are additive): shards computed apart,
// e.g. on different corpus files or machines, add up to the statistics of their union,
//   Σ k kᵀ = Σ_shards Σ k kᵀ,  count = Σ_shards count.
// Each shard covers corpus parts "<corpus fingerprint>#<first>-<end>" (sample ranges; `--shard`
// splits one corpus into such ranges). The merged key keeps model, layer, maxLen and dtype (which
// must agree). Shards that tile one range of one corpus (e.g. all N shards of a run) merge into
// that range's key: for [0, S) exactly the key, and the file name, of the unsharded run. Otherwise
// the key takes the sum of the samples and corpus = "merged:" + sha256 of the sorted list of parts
// (a merged shard contributes its own list, so merging is associative). The list is kept in the
// metadata as "shards". Overlapping parts (the same samples of one corpus twice) are refused: they
// would count the same text twice. The sum is stored in float64 when any shard's is.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  corpusLeaf,
  readCorpusLeaves,
  readStatsFile,
  statsPath,
  storesFloat64,
  writeStatsFile,
} from "./stats-file.js";
import type { LayerStats, StatsKey } from "./types.js";

export interface MergedLayer {
  stats: LayerStats;
  /** the merged file */
  path: string;
  /** the shard files summed, in the order they were added */
  shards: string[];
}

interface Shard {
  input: string;
  path: string;
  stats: LayerStats;
  leaves: string[];
  float64: boolean;
}

/** A corpus part: samples [first, end) of `corpus` (end Infinity for a bare fingerprint: all of it). */
interface Leaf {
  corpus: string;
  first: number;
  end: number;
  path: string;
}

function parseLeaf(text: string, path: string): Leaf {
  const range = /^(.+)#(\d+)-(\d+)$/.exec(text);
  if (!range) return { corpus: text, first: 0, end: Infinity, path };
  return { corpus: range[1], first: Number(range[2]), end: Number(range[3]), path };
}

const STATS_FILE = /^layer-\d+\..+\.safetensors$/;

/** Adds up the statistics in `inputs` (files, or folders searched two levels deep) into `outDir`. */
export async function mergeStats(inputs: string[], outDir: string): Promise<Map<number, MergedLayer>> {
  if (inputs.length < 2) throw new Error(`statistics merge: needs at least two shards, got ${inputs.length}`);
  const perInput = inputs.map((input) => readInput(input));
  requireSameLayers(perInput, inputs);
  const merged = new Map<number, MergedLayer>();
  for (const layer of [...perInput[0].keys()].sort((a, b) => a - b)) {
    const shards = perInput.map((byLayer) => byLayer.get(layer) as Shard);
    merged.set(layer, mergeLayer(shards, outDir));
  }
  return merged;
}

/** The statistics files of one input, by layer; a layer found twice is an error. */
function readInput(input: string): Map<number, Shard> {
  if (!existsSync(input)) throw new Error(`${input}: statistics shard does not exist`);
  const paths = statSync(input).isDirectory() ? findStatsFiles(input, 2) : [input];
  if (paths.length === 0) throw new Error(`${input}: no statistics file (layer-*.safetensors) found`);
  const byLayer = new Map<number, Shard>();
  for (const path of paths) {
    const stats = readStatsFile(path);
    const earlier = byLayer.get(stats.layer);
    if (earlier)
      throw new Error(
        `${input}: two statistics files for layer ${stats.layer} (${earlier.path} and ${path}); ` +
          `name the files to merge one by one`,
      );
    byLayer.set(stats.layer, {
      input,
      path,
      stats,
      leaves: readCorpusLeaves(path),
      float64: storesFloat64(path),
    });
  }
  return byLayer;
}

function findStatsFiles(dir: string, depth: number): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth > 1) found.push(...findStatsFiles(path, depth - 1));
    else if (entry.isFile() && STATS_FILE.test(entry.name) && !entry.name.endsWith(".partial.safetensors"))
      found.push(path);
  }
  return found;
}

function requireSameLayers(perInput: Map<number, Shard>[], inputs: string[]): void {
  const describe = (m: Map<number, Shard>) => [...m.keys()].sort((a, b) => a - b).join(",");
  const first = describe(perInput[0]);
  perInput.forEach((byLayer, i) => {
    if (describe(byLayer) !== first)
      throw new Error(
        `statistics merge: ${inputs[0]} has layers [${first}] but ${inputs[i]} has [${describe(byLayer)}]`,
      );
  });
}

function mergeLayer(shards: Shard[], outDir: string): MergedLayer {
  requireCompatible(shards);
  const leaves = shards.flatMap((shard) => shard.leaves.map((leaf) => parseLeaf(leaf, shard.path)));
  const tiled = requireDisjoint(leaves);
  // A fixed order of addition, so the same shards give the same bits whatever the argument order.
  const ordered = [...shards].sort((a, b) => (a.leaves.join() < b.leaves.join() ? -1 : 1));
  const first = ordered[0].stats;
  const sum = new Float64Array(first.dim * first.dim);
  let count = 0;
  for (const { stats } of ordered) {
    for (let i = 0; i < sum.length; i++) sum[i] += stats.sum[i];
    count += stats.count;
  }
  const names = leaves
    .map((leaf) => (Number.isFinite(leaf.end) ? corpusLeaf(leaf.corpus, leaf.first, leaf.end) : leaf.corpus))
    .sort();
  const base: StatsKey = { ...first.key };
  delete base.first;
  const key: StatsKey = tiled
    ? {
        ...base,
        corpus: tiled.corpus,
        samples: tiled.end - tiled.first,
        ...(tiled.first ? { first: tiled.first } : {}),
      }
    : {
        ...base,
        corpus: `merged:${createHash("sha256").update(names.join("\n")).digest("hex")}`,
        samples: shards.reduce((total, shard) => total + shard.stats.key.samples, 0),
      };
  const float64 = shards.some((shard) => shard.float64);
  const stored = key.dtype === "float32" && !float64 ? Float64Array.from(Float32Array.from(sum)) : sum;
  const stats: LayerStats = { layer: key.layer, dim: first.dim, count, sum: stored, key };
  const path = statsPath(outDir, key);
  writeStatsFile(path, stats, { shards: JSON.stringify(names) }, float64);
  return { stats, path, shards: ordered.map((shard) => shard.path) };
}

/**
 * Throws naming both files when two parts share samples of one corpus. Returns the range when the
 * parts tile one range [first, end) of one corpus without a gap, else null.
 */
function requireDisjoint(leaves: Leaf[]): { corpus: string; first: number; end: number } | null {
  const sorted = [...leaves].sort((a, b) =>
    a.corpus < b.corpus ? -1 : a.corpus > b.corpus ? 1 : a.first - b.first,
  );
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if (a.corpus === b.corpus && b.first < a.end)
      throw new Error(
        `statistics merge: corpus ${a.corpus} ${describeRange(a)} in ${a.path} and ${describeRange(b)} in ${b.path} overlap; ` +
          `merging would count those samples twice`,
      );
  }
  const corpus = sorted[0].corpus;
  const tiles = sorted.every(
    (leaf, i) =>
      leaf.corpus === corpus && Number.isFinite(leaf.end) && (i === 0 || leaf.first === sorted[i - 1].end),
  );
  return tiles ? { corpus, first: sorted[0].first, end: sorted[sorted.length - 1].end } : null;
}

function describeRange(leaf: Leaf): string {
  return Number.isFinite(leaf.end) ? `samples [${leaf.first}, ${leaf.end})` : "(all samples)";
}

/** Same model, layer, dim, maxLen and dtype in every shard; the error names the files and the field. */
function requireCompatible(shards: Shard[]): void {
  const base = shards[0];
  for (const shard of shards.slice(1)) {
    const checks: [string, unknown, unknown][] = [
      ["model", base.stats.key.model, shard.stats.key.model],
      ["layer", base.stats.layer, shard.stats.layer],
      ["dim", base.stats.dim, shard.stats.dim],
      ["maxLen", base.stats.key.maxLen, shard.stats.key.maxLen],
      ["dtype", base.stats.key.dtype, shard.stats.key.dtype],
    ];
    for (const [field, a, b] of checks)
      if (a !== b)
        throw new Error(`statistics merge: ${field} differs: ${a} in ${base.path}, ${b} in ${shard.path}`);
  }
}
