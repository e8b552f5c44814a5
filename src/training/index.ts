// Public API of src/training/: a byte-level BPE tokenizer for a corpus, training a small causal LM
// from scratch (AdamW, warm-up + cosine, clipping, checkpoints, resume) and the knowledge check.
export { AdamW, DEFAULT_ADAMW, type AdamWConfig, type OptimizedTensor } from "./adamw.js";
export { ByteLevelBpe } from "./bpe-encoder.js";
export { trainByteLevelBpe, type BpeTrainingOptions, type TrainedBpe } from "./bpe-trainer.js";
export {
  byteLevelAlphabet,
  byteToUnicodeTable,
  GPT2_SPLIT_REGEX,
  preTokenize,
  toByteLevel,
} from "./byte-level.js";
export {
  checkpointPath,
  latestCheckpoint,
  listCheckpoints,
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  type TrainerState,
} from "./checkpoint.js";
export { DataOrder, makeTrainingBatch, tokenizeDocuments, type TrainingBatch } from "./data.js";
export { clipGlobalNorm, globalNorm, GradientBuffers } from "./gradients.js";
export {
  knowledgeAccuracy,
  probesKnown,
  probeTokens,
  type KnowledgeProbe,
  type KnowledgeReport,
  type SplitAccuracy,
} from "./knowledge.js";
export {
  configForShape,
  hfConfigForShape,
  initialParams,
  type ModelShape,
  type TrainableArch,
} from "./model-setup.js";
export { lossCurve, recentLoss, type LossPoint } from "./loss-curve.js";
export { learningRateAt, type LearningRateSchedule } from "./schedule.js";
export { buildTokenizer, END_OF_TEXT, tokenizerFiles, type BuiltTokenizer } from "./tokenizer-builder.js";
export { lossAndGradients, trainStep, type StepStats } from "./train-step.js";
export {
  DEFAULT_HYPERPARAMETERS,
  optimizedTensors,
  trainModel,
  type TrainEvent,
  type TrainHyperparameters,
  type TrainOptions,
  type TrainResult,
} from "./trainer.js";
