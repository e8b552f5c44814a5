// Evaluation of edited models: CounterFact metrics (with fluency and consistency), zsRE metrics,
// generation-based (WILD) evaluation, and the general-capability probes.
export * from "./counterfact/index.js";
export {
  generateFluencyTexts,
  generationEntropy,
  nGramEntropyBits,
  textEntropy,
  wordTokens,
  type FluencyGenerationOptions,
} from "./fluency.js";
export * from "./consistency/index.js";
export * from "./zsre/index.js";
export * from "./wild/index.js";
export * from "./probes/index.js";
export { greedyBatches, type GreedyBatchOptions } from "./greedy.js";
