// Merging statistics shards (ARCHITECTURE.md §3: statistics are additive): shards computed apart,
// e.g. on different corpus files or machines, add up to the statistics of their union,
//   Σ k kᵀ = Σ_shards Σ k kᵀ,  count = Σ_shards count.
// The merged key keeps model, layer, maxLen and dtype (which must agree), takes the sum of the
// samples, and gets corpus = "merged:" + sha256 of the sorted list of the shards' corpus
// fingerprints (a merged shard contributes its own list, so merging is associative); that list
// is kept in the metadata as "shards". Overlapping shards (a corpus fingerprint seen twice) are
// refused: they would count the same text twice.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { readCorpusLeaves, readStatsFile, statsPath, writeStatsFile } from "./stats-file.js";
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
    byLayer.set(stats.layer, { input, path, stats, leaves: readCorpusLeaves(path) });
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
  const leaves = shards.flatMap((shard) => shard.leaves).sort();
  const duplicate = leaves.find((leaf, i) => i > 0 && leaves[i - 1] === leaf);
  if (duplicate !== undefined)
    throw new Error(
      `statistics merge: corpus ${duplicate} appears in more than one shard (${shards.map((s) => s.path).join(", ")}); ` +
        `merging would count it twice`,
    );
  // A fixed order of addition, so the same shards give the same bits whatever the argument order.
  const ordered = [...shards].sort((a, b) => (a.leaves.join() < b.leaves.join() ? -1 : 1));
  const first = ordered[0].stats;
  const sum = new Float64Array(first.dim * first.dim);
  let count = 0;
  for (const { stats } of ordered) {
    for (let i = 0; i < sum.length; i++) sum[i] += stats.sum[i];
    count += stats.count;
  }
  const key: StatsKey = {
    ...first.key,
    corpus: `merged:${createHash("sha256").update(leaves.join("\n")).digest("hex")}`,
    samples: shards.reduce((total, shard) => total + shard.stats.key.samples, 0),
  };
  const stored = key.dtype === "float32" ? Float64Array.from(Float32Array.from(sum)) : sum;
  const stats: LayerStats = { layer: key.layer, dim: first.dim, count, sum: stored, key };
  const path = statsPath(outDir, key);
  writeStatsFile(path, stats, { shards: JSON.stringify(leaves) });
  return { stats, path, shards: ordered.map((shard) => shard.path) };
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
