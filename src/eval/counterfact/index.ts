// CounterFact evaluation (Meng et al. 2022): batched scoring, metrics, record reading.
export {
  evaluateCounterfact,
  recordPrompts,
  type CounterfactEvalOptions,
  type CounterfactEvaluation,
} from "./evaluate.js";
export {
  scoreTokenPairs,
  scoreTextPairs,
  type BatchScoreOptions,
  type PairScore,
  type TextPair,
  type TokenPair,
} from "./batch-score.js";
export {
  groupMetrics,
  harmonicMean,
  recordMetrics,
  summarizeRecords,
  type CounterfactSummary,
  type PromptScores,
  type RecordMetrics,
  type RecordScores,
} from "./metrics.js";
export { parseCounterfactRecords, readCounterfactFile } from "./records.js";
