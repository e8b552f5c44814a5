// locedit's public library API.
export { native, type NativeAddon } from "./native/binding.js";
export * from "./tensor/index.js";
export * as linalg from "./linalg/index.js";
export * from "./tokenizers/index.js";
export { openSafetensors, type SafetensorsFile, type TensorInfo } from "./io/safetensors-read.js";
export { writeSafetensors } from "./io/safetensors-write.js";
export { openCheckpoint, type Checkpoint } from "./io/checkpoint.js";
export { writeCheckpoint } from "./io/checkpoint-write.js";
export { readModelConfig, parseModelConfig } from "./models/hf-config.js";
export { toHfConfig } from "./models/hf-config-write.js";
export type {
  ModelConfig,
  Gpt2Config,
  GptjConfig,
  LlamaConfig,
  LlamaFamily,
  GptNeoxConfig,
  RopeScaling,
  Architecture,
} from "./models/config.js";
export {
  CausalLM,
  type ForwardOptions,
  type ForwardTrace,
  type BackwardOptions,
  type BackwardResult,
  type LogitPosition,
} from "./models/causal-lm.js";
export type { Batch, DeltaHook, DeltaSite } from "./models/types.js";
export { loadModel, type LoadOptions, type LoadProgress } from "./models/load.js";
export {
  downloadModel,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadResult,
} from "./hub/download.js";
export { saveModel, type SaveOptions } from "./models/save.js";
export { randomParams } from "./models/random-weights.js";
export { makeBatch, lastTokenPositions, type PadSide } from "./runtime/batch.js";
export { generate, type Decoding, type GenerateOptions } from "./runtime/generate.js";
export { scoreContinuation, encodeContinuation, type ContinuationScore } from "./runtime/score.js";
export { crossEntropy, logSoftmax } from "./runtime/loss.js";
export { createRng, type Rng } from "./util/random.js";
export * as world from "./data/world/index.js";
export * as training from "./training/index.js";
export {
  Editor,
  type EditorOptions,
  type EditorSaveOptions,
  type EditProgress,
  type EditRequestInput,
} from "./editing/editor/editor.js";
export type { CriticalLayersChoice, EditLog, EditLogFile } from "./editing/editor/edit-log.js";
export { EditNotTakenError, type RequestOutcome } from "./editing/editor/outcome.js";
export type { EditRequest } from "./editing/requests/types.js";
export type { EditHparams, EditMethod, ResolvedHparams } from "./editing/hparams/types.js";
export { applyDeltas, WeightSnapshot, withDeltasApplied } from "./editing/apply-deltas.js";
export {
  METHODS,
  type ComputeDeltas,
  type DeltaResult,
  type MethodContext,
  type WeightUpdate,
} from "./editing/methods/index.js";
export * as variants from "./editing/methods/variants/index.js";
export type { EditorState } from "./editing/editor/editor.js";
export * as hparams from "./editing/hparams/index.js";
export * as requests from "./editing/requests/index.js";
export * as stats from "./stats/index.js";
export * as evaluation from "./eval/index.js";
export * as experiment from "./experiment/index.js";
export * as diagnostics from "./diagnostics/index.js";
export * as trace from "./trace/index.js";
export * as plots from "./plots/index.js";
