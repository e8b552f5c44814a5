// General-capability probes: glue_eval tasks, perplexity and retention behind one interface.
export {
  loadProbe,
  parseProbeArgument,
  PROBE_TASKS,
  runProbe,
  type LoadedProbe,
  type ProbeOptions,
  type ProbeResult,
  type ProbeSpec,
  type ProbeTask,
} from "./run-probe.js";
export { glueItems, runGlueItems, type GlueProbeOptions, type GlueProbeResult } from "./glue.js";
export { GLUE_FORMATS, GLUE_TASKS, labelDecision, type GlueItem, type GlueTask } from "./glue-tasks.js";
export {
  accuracy,
  classificationFigures,
  matthewsCorrelation,
  weightedF1,
  type ClassificationFigures,
} from "./classification-metrics.js";
export {
  perplexityOfText,
  perplexityWindows,
  type PerplexityOptions,
  type PerplexityResult,
} from "./perplexity.js";
export { evaluateRetention, type RetentionOptions, type RetentionResult } from "./retention.js";
export { parseProbeRows, readProbeRows, type ProbeRow } from "./rows.js";
