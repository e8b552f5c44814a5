// Evaluation of edited models: CounterFact metrics and generation fluency.
export * from "./counterfact/index.js";
export {
  generateFluencyTexts,
  generationEntropy,
  nGramEntropyBits,
  textEntropy,
  wordTokens,
  type FluencyGenerationOptions,
} from "./fluency.js";
