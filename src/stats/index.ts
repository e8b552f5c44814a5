// Covariance statistics for locate-then-edit methods (ROME/MEMIT layer_stats): C0 = E[k kᵀ], the
// uncentered second moment of each edited layer's MLP key over a text corpus, cached on disk,
// resumable and mergeable across shards (ARCHITECTURE.md §3).
export type {
  LayerStats,
  StatsDtype,
  StatsKey,
  StatsOptions,
  StatsProgress,
  StatsRef,
  CheckpointPolicy,
} from "./types.js";
export {
  planStatsMemory,
  defaultStatsBudget,
  describeStatsPlan,
  type StatsMemoryPlan,
} from "./memory-plan.js";
export { secondMoment, meanSquaredNorm } from "./second-moment.js";
export { ensureStats, loadOrComputeStats } from "./compute.js";
export { mergeStats, type MergedLayer } from "./merge.js";
export {
  accumulateSecondMoments,
  accumulateBatch,
  addKeys,
  newAccumulator,
  MomentScratch,
  type MomentAccumulator,
} from "./accumulate.js";
export {
  planBatches,
  packRows,
  sampleTokens,
  type BatchPlan,
  type PlanCursor,
  type StatsBatch,
} from "./batches.js";
export { corpusSamples, countSamples, isSampleLine, type CorpusSample } from "./corpus.js";
export { corpusFingerprint, layerFingerprints, modelFingerprint } from "./fingerprint.js";
export { readStatsFile, readStatsRef, statsPath, partialPath } from "./stats-file.js";
export { resolveStatsOptions, DEFAULT_BATCH_TOKENS, DEFAULT_MAX_LEN, WINDOW_SAMPLES } from "./options.js";
