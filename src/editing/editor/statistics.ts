// Where the Editor gets C0 = E[k kᵀ] of each layer it edits (ARCHITECTURE.md §3): computed from a
// corpus and cached (ensureStats), or, without a corpus, read from a statistics folder that
// `locedit stats` filled for this model — found by the layer's fingerprint of this model's weights
// and checked against it. Only references to the files are kept; C0 is read (its checksum
// verified) when a solve asks for it and kept while the C0s held fit in `cacheBytes` (at real
// sizes, d_ff = 14,336, one C0 is 1.6 GB: a Llama3-8B edit holds one at a time and reads it again
// for the next batch).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { CausalLM } from "../../models/causal-lm.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { countSamples } from "../../stats/corpus.js";
import { layerFingerprints } from "../../stats/fingerprint.js";
import { ensureStats, readStatsFile, readStatsRef, secondMoment } from "../../stats/index.js";
import type { StatsMemoryPlan } from "../../stats/memory-plan.js";
import type { StatsKey, StatsProgress, StatsRef } from "../../stats/types.js";
import { requireSameKey, shortFingerprint } from "../../stats/stats-file.js";

export interface StatisticsSource {
  /** statistics folder (the cache `locedit stats --out` writes) */
  dir: string;
  /** corpus files to compute missing statistics from (omit to require them cached) */
  corpus?: string[];
  /** samples per layer when computing (default: 10000, or all the corpus has when it has fewer) */
  samples?: number;
  maxLen?: number;
  dtype?: "float32" | "float64";
  /** bytes the accumulators of one pass may hold (default: stats/memory-plan.ts) */
  memoryBudget?: number;
}

export const DEFAULT_STATS_SAMPLES = 10000;

/**
 * Bytes of C0 an Editor keeps between solves: a sixteenth of the weights' memory, at least 64 MiB.
 * At real sizes one C0 is larger (Llama3-8B: 1.64 GB against 1.0 GB; GPT-J-6B: 2.15 GB against
 * 0.76 GB), so it is read again for each solve (a few seconds) and the solve builds its matrix in
 * that buffer: one d_ff² matrix held instead of two, which is what fits a 24 GB machine.
 */
export function defaultCovarianceCacheBytes(model: CausalLM): number {
  return Math.max(64 * 1024 ** 2, model.parameterBytes() / 16);
}

/**
 * Cached statistics of `layer` for the model whose layer fingerprint is `fingerprint`: the file
 * with the most samples. A file in that folder whose key names another model or layer is an error.
 */
export function findCachedStats(dir: string, fingerprint: string, layer: number): StatsRef | null {
  const folder = join(dir, shortFingerprint(fingerprint));
  if (!existsSync(folder)) return null;
  const files = readdirSync(folder).filter(
    (f) =>
      f.startsWith(`layer-${layer}.`) && f.endsWith(".safetensors") && !f.endsWith(".partial.safetensors"),
  );
  let best: StatsRef | null = null;
  for (const f of files) {
    const path = join(folder, f);
    const stats = readStatsRef(path);
    requireSameKey(stats.key, { ...stats.key, model: fingerprint, layer }, path);
    if (!best || stats.key.samples > best.key.samples) best = stats;
  }
  return best;
}

/** The samples to use: as asked, else the default, or all the corpus has when it has fewer. */
export function defaultSamples(
  corpus: readonly string[],
  asked: number | undefined,
): { samples: number; note?: string } {
  if (asked !== undefined) return { samples: asked };
  const available = countSamples(corpus).reduce((a, b) => a + b, 0);
  if (available >= DEFAULT_STATS_SAMPLES)
    return {
      samples: DEFAULT_STATS_SAMPLES,
      note: `statistics from the first ${DEFAULT_STATS_SAMPLES} of the corpus's ${available} samples (the default; set samples to choose)`,
    };
  return {
    samples: available,
    note: `statistics from all ${available} samples of the corpus (fewer than the default ${DEFAULT_STATS_SAMPLES})`,
  };
}

export class LayerStatistics {
  private readonly stats = new Map<number, StatsRef>();
  /** C0 by layer, most recently used last */
  private readonly moments = new Map<number, Float64Array>();

  constructor(
    private readonly model: CausalLM,
    private readonly tokenizer: Tokenizer,
    private readonly modelDir: string,
    private readonly source: StatisticsSource,
    private readonly onNotice?: (message: string) => void,
    /** how many bytes of C0 to keep between solves (default: defaultCovarianceCacheBytes) */
    private readonly cacheBytes = defaultCovarianceCacheBytes(model),
  ) {}

  /** Makes sure every layer in `layers` has statistics (cached, found or computed). */
  async ensure(
    layers: readonly number[],
    onProgress?: (p: StatsProgress) => void,
    onPlan?: (plan: StatsMemoryPlan) => void,
  ): Promise<void> {
    const missing = layers.filter((l) => !this.stats.has(l));
    if (missing.length === 0) return;
    if (this.source.corpus && this.source.corpus.length > 0) {
      const { samples, note } = defaultSamples(this.source.corpus, this.source.samples);
      if (note) this.onNotice?.(note);
      const computed = await ensureStats(this.model, this.tokenizer, {
        layers: missing,
        corpusFiles: this.source.corpus,
        samples,
        maxLen: this.source.maxLen,
        dtype: this.source.dtype ?? "float32",
        cacheDir: this.source.dir,
        modelDir: this.modelDir,
        memoryBudget: this.source.memoryBudget,
        onProgress,
        onNotice: this.onNotice,
        onPlan,
      });
      for (const [layer, stats] of computed) this.stats.set(layer, stats);
      return;
    }
    const fingerprints = layerFingerprints(this.model, this.tokenizer, missing);
    for (const layer of missing) {
      const found = findCachedStats(this.source.dir, fingerprints.get(layer)!, layer);
      if (!found)
        throw new Error(
          `no statistics for layer ${layer} of ${this.modelDir} in ${this.source.dir}: compute them with ` +
            `\`locedit stats --model ${this.modelDir} --layers ${missing.join(",")} --corpus FILE --samples N --out ${this.source.dir}\`` +
            " or give a corpus",
        );
      this.stats.set(layer, found);
    }
  }

  /** The keys of the statistics in use, by layer (for the edit log). */
  used(): StatsKey[] {
    return [...this.stats.values()].map((s) => s.key).sort((a, b) => a.layer - b.layer);
  }

  /** Where the statistics of `layer` are (after ensure). */
  of(layer: number): StatsRef {
    const stats = this.stats.get(layer);
    if (!stats) throw new Error(`statistics of layer ${layer} were not loaded`);
    return stats;
  }

  /** C0 = Σ k kᵀ / count of `layer` (float64), read from its file unless kept from an earlier call. */
  covariance(layer: number): Float64Array {
    let c = this.moments.get(layer);
    if (c) {
      this.moments.delete(layer); // re-inserted as the most recently used
    } else {
      const ref = this.of(layer);
      const bytes = ref.dim * ref.dim * 8;
      // forget the least recently used C0s first, so that they can be freed before this one is read
      for (const held of [...this.moments.keys()]) {
        if (this.heldBytes() + bytes <= this.cacheBytes) break;
        this.moments.delete(held);
      }
      c = secondMoment(readStatsFile(ref.path, ref.key), { inPlace: true });
    }
    if (this.heldBytes() + c.byteLength <= this.cacheBytes) this.moments.set(layer, c);
    return c;
  }

  /**
   * C0 of `layer` in a buffer the caller may overwrite: a copy of the kept one where C0 fits the
   * cache (small models), else read from its file for the caller alone and not kept (real sizes:
   * the caller's matrix is then the only d_ff² one held). `into` (d_ff² values: the caller's
   * matrix from an earlier call) is written instead of a new buffer, so that a solve that needs
   * C0 again (a ridge retry) does not leave a d_ff² matrix behind each time for the collector.
   */
  covarianceToOverwrite(layer: number, into?: Float64Array): Float64Array {
    const ref = this.of(layer);
    if (into && into.length !== ref.dim * ref.dim)
      throw new Error(
        `layer ${layer}: C0 is ${ref.dim}×${ref.dim}, the buffer given holds ${into.length} values`,
      );
    if (this.moments.has(layer) || ref.dim * ref.dim * 8 <= this.cacheBytes) {
      const kept = this.covariance(layer);
      return into ? (into.set(kept), into) : kept.slice();
    }
    return secondMoment(readStatsFile(ref.path, ref.key, into), { inPlace: true });
  }

  private heldBytes(): number {
    let bytes = 0;
    for (const moment of this.moments.values()) bytes += moment.byteLength;
    return bytes;
  }
}
