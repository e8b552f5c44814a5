// Checked and defaulted StatsOptions for the covariance statistics (ROME/MEMIT layer_stats):
// every error names the option and what was expected.
import { existsSync, statSync } from "node:fs";
import type { CausalLM } from "../models/causal-lm.js";
import type { StabilityOptions, StatsDtype, StatsOptions } from "./types.js";

export const DEFAULT_BATCH_TOKENS = 4096;
export const DEFAULT_MAX_LEN = 1024;
export const DEFAULT_CHECKPOINT_SECONDS = 60;
/** Samples per sorting window of the batch plan (batches.ts). */
export const WINDOW_SAMPLES = 1024;

export interface ResolvedStatsOptions {
  /** ascending, without duplicates */
  layers: number[];
  corpusFiles: string[];
  /** samples this run sums (a shard's share of options.samples) */
  samples: number;
  /** index of the first of them */
  first: number;
  windowSamples: number;
  shard: { index: number; count: number } | null;
  untilStable: StabilityOptions | null;
  maxLen: number;
  dtype: StatsDtype;
  batchTokens: number;
  cacheDir: string;
  modelDir: string | undefined;
}

export function resolveStatsOptions(model: CausalLM, options: StatsOptions): ResolvedStatsOptions {
  const L = model.numLayers;
  if (!Array.isArray(options.layers) || options.layers.length === 0)
    throw new Error("statistics: 'layers' must list at least one layer");
  for (const layer of options.layers)
    if (!Number.isInteger(layer) || layer < 0 || layer >= L)
      throw new Error(`statistics: layer ${layer} is out of range, the model has layers 0–${L - 1}`);
  // a sliding-window model runs (exactly) only up to its window
  const maxPositions = Math.min(model.config.maxPositions, model.arch.positionLimit?.positions ?? Infinity);
  const maxLen = options.maxLen ?? Math.min(maxPositions, DEFAULT_MAX_LEN);
  requirePositiveInteger(maxLen, "maxLen");
  if (maxLen > maxPositions)
    throw new Error(`statistics: maxLen ${maxLen} exceeds the model's ${maxPositions} positions`);
  requirePositiveInteger(options.samples, "samples");
  const batchTokens = options.batchTokens ?? DEFAULT_BATCH_TOKENS;
  requirePositiveInteger(batchTokens, "batchTokens");
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float64")
    throw new Error(`statistics: dtype '${String(dtype)}', expected float32 or float64`);
  if (!Array.isArray(options.corpusFiles) || options.corpusFiles.length === 0)
    throw new Error("statistics: 'corpusFiles' must name at least one text file");
  for (const file of options.corpusFiles)
    if (!existsSync(file) || !statSync(file).isFile()) throw new Error(`${file}: corpus file does not exist`);
  const windowSamples = options.windowSamples ?? WINDOW_SAMPLES;
  requirePositiveInteger(windowSamples, "windowSamples");
  const range = shardRange(options.samples, windowSamples, options.shard ?? null);
  const untilStable = options.untilStable ?? null;
  if (untilStable) {
    if (options.shard) throw new Error("statistics: 'untilStable' does not combine with 'shard'");
    if (!(untilStable.tolerance > 0))
      throw new Error(`statistics: untilStable tolerance must be > 0, got ${untilStable.tolerance}`);
    if (untilStable.lambda !== undefined && !(untilStable.lambda > 0))
      throw new Error(`statistics: untilStable lambda must be > 0, got ${untilStable.lambda}`);
    if (untilStable.probeKeys !== undefined)
      requirePositiveInteger(untilStable.probeKeys, "untilStable.probeKeys");
  }
  return {
    layers: [...new Set(options.layers)].sort((a, b) => a - b),
    corpusFiles: [...options.corpusFiles],
    samples: range.samples,
    first: range.first,
    windowSamples,
    shard: options.shard ?? null,
    untilStable,
    maxLen,
    dtype,
    batchTokens,
    cacheDir: options.cacheDir,
    modelDir: options.modelDir,
  };
}

function requirePositiveInteger(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`statistics: '${name}' must be a positive integer, got ${value}`);
}

/**
 * Shard `index` of `count` of the first `samples` samples: windows of `windowSamples` (the last one
 * may be short) split into `count` contiguous runs, shard i taking windows ⌊i·W/count⌋ to
 * ⌊(i+1)·W/count⌋ − 1. Without a shard: all of them from sample 0.
 */
export function shardRange(
  samples: number,
  windowSamples: number,
  shard: { index: number; count: number } | null,
): { first: number; samples: number } {
  if (!shard) return { first: 0, samples };
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 0 || index >= count)
    throw new Error(`statistics: shard ${index}/${count}: expected 0 ≤ index < count`);
  const windows = Math.ceil(samples / windowSamples);
  if (count > windows)
    throw new Error(
      `statistics: ${count} shards need at least ${count} windows of ${windowSamples} samples, ` +
        `but ${samples} samples make ${windows} (use fewer shards or a smaller window)`,
    );
  const first = Math.floor((index * windows) / count) * windowSamples;
  const end = Math.min(Math.floor(((index + 1) * windows) / count) * windowSamples, samples);
  return { first, samples: end - first };
}
