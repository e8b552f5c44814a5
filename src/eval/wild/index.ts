// Generation-based ("WILD") evaluation: greedy answers matched against the target.
export {
  compareAnswer,
  evaluateWild,
  greedyContinuations,
  newlineTokenIds,
  normalizeAnswer,
  type WildItem,
  type WildOptions,
  type WildResult,
} from "./wild.js";
export {
  evaluateWildGroups,
  summarizeWild,
  type WildEvaluation,
  type WildGroup,
  type WildRates,
  type WildRecord,
  type WildSummary,
} from "./summary.js";
