// Public surface of src/editing/requests: the request type, parsing of CounterFact/flat/JSON Lines
// request files, and the batch check.
export type { EditRequest } from "./types.js";
export {
  normalizeTarget,
  parseRequests,
  parseRequestsText,
  promptTemplate,
  readRequestsFile,
} from "./parse.js";
export { checkBatch } from "./batch.js";
export { zsreCaseRequest, zsreRequest } from "./zsre.js";
