// Types of the covariance statistics (ROME/MEMIT `layer_stats`): per edited layer, the
// uncentered second moment C0 = E[k kᵀ] of the MLP output projection's input k over the non-pad
// tokens of a text corpus, kept as the running sum Σ k kᵀ (float64, full symmetric) and a count,
// so that shards add up (ARCHITECTURE.md §3).
import type { StatsMemoryPlan } from "./memory-plan.js";

/** What a statistics file was computed from; two computations with equal keys give the same sum. */
export interface StatsKey {
  /**
   * layerFingerprints(model, tokenizer)[layer]: sha256 of the config, the tokenizer and every weight
   * the layer's keys depend on (the embeddings, the layers below, the layer up to W_out's input)
   */
  model: string;
  layer: number;
  /** corpusFingerprint(files) (sha256 of the contents), or "merged:<sha256>" for merged shards */
  corpus: string;
  /** samples (non-empty, non-heading corpus lines) used; for merged shards the sum of theirs */
  samples: number;
  /** index of the first sample used (a shard's, `--shard`); absent or 0: from the corpus's start */
  first?: number;
  /** tokens kept per sample (longer samples are truncated) */
  maxLen: number;
  /** precision of the accumulation (ssyrk or dsyrk) and of the stored sum */
  dtype: StatsDtype;
}

export type StatsDtype = "float32" | "float64";

export interface LayerStats {
  layer: number;
  /** d_ff, the width of the key */
  dim: number;
  /** non-pad tokens summed */
  count: number;
  /** Σ k kᵀ, dim×dim row-major, both triangles filled */
  sum: Float64Array;
  key: StatsKey;
}

/** Where a layer's finished statistics are, without the sum (ensureStats). */
export interface StatsRef {
  layer: number;
  dim: number;
  count: number;
  key: StatsKey;
  /** the statistics file */
  path: string;
}

export interface StatsProgress {
  /** set when the event concerns one layer only (a statistics file found in the cache) */
  layer?: number;
  /** samples done (including those restored from a checkpoint) */
  done: number;
  /** samples to do */
  total: number;
  /** non-pad tokens run through the model by this call (for tokens/s) */
  tokens: number;
  /** the pass over the corpus (1-based) and how many there are, when the layers need several */
  pass?: number;
  passes?: number;
}

export interface CheckpointPolicy {
  /** write partial sums at least this many seconds apart (default 60; also ≥ 9× the last write's time) */
  seconds?: number;
  /** or after this many batches (default: never by count) */
  batches?: number;
}

export interface StatsOptions {
  /** layers whose statistics are wanted (0-based) */
  layers: number[];
  /** plain text files; each non-empty line that is not a wikitext heading is one sample */
  corpusFiles: string[];
  /** number of samples to use, taken in order from the start of the corpus */
  samples: number;
  /**
   * compute only shard `index` of `count` (0 ≤ index < count): a contiguous range of whole windows
   * of the `samples`, so that the shards' sums add up to the unsharded run's (the same batches);
   * its sum is stored in float64 whatever the dtype, so that merging loses nothing
   */
  shard?: { index: number; count: number };
  /** samples per sorting window of the batch plan (default WINDOW_SAMPLES); the unit of shards and of untilStable's chunks */
  windowSamples?: number;
  /** stop once C0 is stable (see stability.ts): at most `samples` samples, the count reached is the key's */
  untilStable?: StabilityOptions;
  /** tokens kept per sample (default min(model max positions, 1024)) */
  maxLen?: number;
  /** accumulation and storage precision (default "float32", as the reference) */
  dtype?: StatsDtype;
  /** padded tokens per batch (default 4096); a resumed run keeps the value of the run it resumes */
  batchTokens?: number;
  /** where statistics files live: `<cacheDir>/<model fp>/layer-<l>.<corpus fp>.n<N>.t<T>.<dtype>.safetensors` */
  cacheDir: string;
  /** the folder the model was loaded from (for messages; keys hash the weights in memory) */
  modelDir?: string;
  onProgress?: (progress: StatsProgress) => void;
  /** hears about stale temporary files of killed runs removed from the cache */
  onNotice?: (message: string) => void;
  /** when aborted, partial sums are checkpointed and the call rejects with the signal's reason */
  signal?: AbortSignal;
  checkpoint?: CheckpointPolicy;
  /** bytes the accumulators of one pass may hold (default: memory-plan.ts defaultStatsBudget) */
  memoryBudget?: number;
  /** called once, before computing, with what the statistics need and how the layers are grouped */
  onPlan?: (plan: StatsMemoryPlan) => void;
}

/** When `locedit stats --until-stable` stops (stability.ts). */
export interface StabilityOptions {
  /** stop when the relative change of A = (λ·C0 + P·Pᵀ)⁻¹·P over the last window is below this, at every layer */
  tolerance: number;
  /** λ of MEMIT's solve (mom2_update_weight; default 15000) */
  lambda?: number;
  /** probe keys P: the first this many tokens' keys of the corpus (default 64) */
  probeKeys?: number;
  /** called after each window with the change per layer (NaN for the first window) */
  onCheck?: (check: StabilityCheck) => void;
}

export interface StabilityCheck {
  samples: number;
  /** layer → relative change of A over the last window */
  change: Map<number, number>;
  stable: boolean;
}
