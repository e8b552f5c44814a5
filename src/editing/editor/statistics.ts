// Where the Editor gets C0 = E[k kᵀ] of each layer it edits (ARCHITECTURE.md §3): computed from a
// corpus and cached (loadOrComputeStats), or, without a corpus, read from a statistics folder
// that `locedit stats` filled for this model. Covariances are kept per layer for the Editor's life.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { CausalLM } from "../../models/causal-lm.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { loadOrComputeStats, modelFingerprint, readStatsFile, secondMoment } from "../../stats/index.js";
import type { LayerStats, StatsProgress } from "../../stats/types.js";
import { shortFingerprint } from "../../stats/stats-file.js";

export interface StatisticsSource {
  /** statistics folder (the cache `locedit stats --out` writes) */
  dir: string;
  /** corpus files to compute missing statistics from (omit to require them cached) */
  corpus?: string[];
  /** samples per layer when computing (default 10000, or every sample of a smaller corpus is an error) */
  samples?: number;
  maxLen?: number;
  dtype?: "float32" | "float64";
}

export const DEFAULT_STATS_SAMPLES = 10000;

/** Cached statistics of `layer` for the model in `modelDir`: the file with the most samples. */
export function findCachedStats(dir: string, modelDir: string, layer: number): LayerStats | null {
  const folder = join(dir, shortFingerprint(modelFingerprint(modelDir)));
  if (!existsSync(folder)) return null;
  const files = readdirSync(folder).filter(
    (f) =>
      f.startsWith(`layer-${layer}.`) && f.endsWith(".safetensors") && !f.endsWith(".partial.safetensors"),
  );
  let best: LayerStats | null = null;
  for (const f of files) {
    const stats = readStatsFile(join(folder, f));
    if (stats.key.layer === layer && (!best || stats.key.samples > best.key.samples)) best = stats;
  }
  return best;
}

export class LayerStatistics {
  private readonly stats = new Map<number, LayerStats>();
  private readonly moments = new Map<number, Float64Array>();

  constructor(
    private readonly model: CausalLM,
    private readonly tokenizer: Tokenizer,
    private readonly modelDir: string,
    private readonly source: StatisticsSource,
  ) {}

  /** Makes sure every layer in `layers` has statistics (cached, found or computed). */
  async ensure(layers: readonly number[], onProgress?: (p: StatsProgress) => void): Promise<void> {
    const missing = layers.filter((l) => !this.stats.has(l));
    if (missing.length === 0) return;
    if (this.source.corpus && this.source.corpus.length > 0) {
      const computed = await loadOrComputeStats(this.model, this.tokenizer, {
        layers: missing,
        corpusFiles: this.source.corpus,
        samples: this.source.samples ?? DEFAULT_STATS_SAMPLES,
        maxLen: this.source.maxLen,
        dtype: this.source.dtype ?? "float32",
        cacheDir: this.source.dir,
        modelDir: this.modelDir,
        onProgress,
      });
      for (const [layer, stats] of computed) this.stats.set(layer, stats);
      return;
    }
    for (const layer of missing) {
      const found = findCachedStats(this.source.dir, this.modelDir, layer);
      if (!found)
        throw new Error(
          `no statistics for layer ${layer} of ${this.modelDir} in ${this.source.dir}: compute them with ` +
            `\`locedit stats --model ${this.modelDir} --layers ${missing.join(",")} --corpus FILE --samples N --out ${this.source.dir}\`` +
            " or give a corpus",
        );
      this.stats.set(layer, found);
    }
  }

  /** Statistics of `layer` (after ensure). */
  of(layer: number): LayerStats {
    const stats = this.stats.get(layer);
    if (!stats) throw new Error(`statistics of layer ${layer} were not loaded`);
    return stats;
  }

  /** C0 = Σ k kᵀ / count of `layer` (float64). */
  covariance(layer: number): Float64Array {
    let c = this.moments.get(layer);
    if (!c) {
      c = secondMoment(this.of(layer));
      this.moments.set(layer, c);
    }
    return c;
  }
}
