// Checked and defaulted StatsOptions for the covariance statistics (ROME/MEMIT layer_stats):
// every error names the option and what was expected.
import { existsSync, statSync } from "node:fs";
import type { CausalLM } from "../models/causal-lm.js";
import type { StatsDtype, StatsOptions } from "./types.js";

export const DEFAULT_BATCH_TOKENS = 4096;
export const DEFAULT_MAX_LEN = 1024;
export const DEFAULT_CHECKPOINT_SECONDS = 60;
/** Samples per sorting window of the batch plan (batches.ts). */
export const WINDOW_SAMPLES = 1024;

export interface ResolvedStatsOptions {
  /** ascending, without duplicates */
  layers: number[];
  corpusFiles: string[];
  samples: number;
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
  return {
    layers: [...new Set(options.layers)].sort((a, b) => a - b),
    corpusFiles: [...options.corpusFiles],
    samples: options.samples,
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
