// The CounterFact dataset format: record types and the validating reader.
export type { CounterFactRecord, CounterFactTarget } from "./record.js";
export { parseCounterfactRecords, readCounterfactFile } from "./parse.js";
