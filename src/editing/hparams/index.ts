// Public surface of src/editing/hparams: the hyperparameter types, schema, published defaults,
// derived defaults for unknown models, and resolution of the file an edit uses.
export { EDIT_METHODS, type EditHparams, type EditMethod, type ResolvedHparams } from "./types.js";
export { parseHparams, defaultedFields } from "./schema.js";
export {
  defaultReason,
  methodDefaults,
  DEFAULTS_SOURCE,
  INFORMATIONAL_FIELDS,
  type MethodDefaults,
} from "./defaults.js";
export { checkHparamsAgainstModel } from "./model-check.js";
export {
  criticalWindow,
  deriveHparams,
  isSmallModel,
  LAMBDA_KEY_BUDGET,
  type DeriveOptions,
  type DerivedHparams,
  type KeyStats,
  type KeyStatsSource,
} from "./derive.js";
export {
  loadHparams,
  recognizeModel,
  resolveHparams,
  shippedHparamsDir,
  shippedHparamsFile,
  PAPER_MODELS,
  SHIPPED_MODELS,
  type ResolveOptions,
  type ShippedModel,
} from "./resolve.js";
