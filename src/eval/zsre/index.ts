// zsRE (MEND format) metrics: teacher-forced token accuracy, and the WILD generation check.
export {
  evaluateZsre,
  zsreGroupPrompts,
  type ZsreEvalOptions,
  type ZsreEvaluation,
  type ZsreRecordScores,
  type ZsreSummary,
} from "./evaluate.js";
export { evaluateZsreWild } from "./wild.js";
export { parseZsreRecords, readZsreFile, type ZsreCase, type ZsreRecord } from "../../data/zsre/records.js";
