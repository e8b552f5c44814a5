// Weight-shift diagnostics (BLUE, Li et al., arXiv 2502.03748, §3): why distributing the residual
// over the critical layers hurts, measured on a model, a method and a set of CounterFact records.
export { runDiagnostics, type DiagnoseOptions } from "./run.js";
export { DIAGNOSED_METHODS, type DiagnosedMethod, type DiagnoseProgress } from "./context.js";
export { renderDiagnoseHtml } from "./render.js";
export { batchSizesFor } from "./weight-shift.js";
export { defaultSequenceBatch } from "./sequence.js";
export type * from "./types.js";
