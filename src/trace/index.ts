// Causal tracing (Meng et al., NeurIPS 2022): where a model recalls a fact, per layer and token,
// and the critical layers it suggests for locate-then-edit methods and BLUE.
export {
  traceFact,
  locateFact,
  type FactTrace,
  type KindTrace,
  type TraceFact,
  type TraceFactOptions,
} from "./causal-trace.js";
export {
  traceRecords,
  meanStd,
  type KindAverage,
  type LayerEffect,
  type RecordTraceSummary,
  type RecordsTrace,
} from "./average.js";
export {
  pickCriticalWindow,
  suggestCriticalLayers,
  suggestionFromTrace,
  type CriticalWindow,
  type LayerSuggestion,
  type SuggestOptions,
  type WindowScore,
} from "./suggest.js";
export {
  prepareFactRun,
  restoredProbability,
  TRACE_KINDS,
  type FactRun,
  type Restoration,
  type TraceKind,
} from "./fact-run.js";
export { defaultWindow, windowLayers, type TraceOptions } from "./options.js";
export { embeddingStd, subjectNoise, NOISE_FACTOR } from "./noise.js";
export { renderFactTrace, renderRecordsTrace, factHeatmapSvg } from "./render.js";
export { factTraceJson, recordsTraceJson, suggestionJson } from "./json.js";
