// CounterFact evaluation (Meng et al. 2022): batched scoring and metrics; the record reader lives
// in data/counterfact/ and is re-exported here for the public API.
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
export { parseCounterfactRecords, readCounterfactFile } from "../../data/counterfact/parse.js";
export { evaluateCounterfactWild } from "./wild.js";
