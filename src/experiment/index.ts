// The experiment pipeline (`locedit experiment`, `locedit report`): the paper's sequential
// protocol with resumable runs, and the report that sets runs side by side.
export {
  runExperiment,
  checkSettings,
  BATCHES_FILE,
  METRICS_FILE,
  PROBES_FILE,
  type ExperimentOptions,
  type ExperimentProgress,
} from "./run.js";
export { chooseRecords, loadExperimentRecords, type ExperimentRecords } from "./records.js";
export { loadRunState, saveRunState, type RunProgress } from "./state.js";
export { readRunConfig, checkSameSettings } from "./config.js";
export { writeRunReport } from "./report/write.js";
export { readRun, methodLabel, type RunData } from "./report/read-run.js";
export {
  SETTING_FLAGS,
  type BatchLine,
  type ExperimentSettings,
  type MetricsFile,
  type ProbeLine,
  type RunConfig,
} from "./types.js";
