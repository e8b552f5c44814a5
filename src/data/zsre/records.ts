// zsRE question-answering edits in the MEND format (Mitchell et al. 2022, `zsre_mend_eval.json`;
// used by ROME/MEMIT/AlphaEdit/BLUE): each record has `subject`, the question `src` that names it,
// a `rephrase` of the question, the answers (`answers[0]` is the edit's new target), and an unrelated
// Natural Questions probe `loc` ("nq question: …") with its answer `loc_ans`. Other fields (`pred`,
// `alt`, `cond`) are kept by the file but unused. Mapped as the reference's `dsets/zsre.py`
// (MENDQADataset): case_id = index; the rewrite prompt is `src` with the subject replaced by "{}";
// the paraphrase is `rephrase`; the neighbourhood prompt is `loc + "?"` (the reference asserts
// "nq question: " is in it and keeps it) answered by " " + `loc_ans`. Errors name the file, the
// record (index) and the field.
import { readFileSync } from "node:fs";
import { parseJsonText } from "../../io/json-text.js";
import { describeValue, isPlainObject, jsonPreview } from "../../io/json-values.js";

/** One record as the file has it (the fields the metrics and edits read). */
export interface ZsreRecord {
  subject: string;
  src: string;
  rephrase: string;
  answers: string[];
  loc: string;
  loc_ans: string;
}

/** A record mapped as the reference maps it. */
export interface ZsreCase {
  caseId: number;
  subject: string;
  /** `src` with the subject's first occurrence replaced by "{}" */
  prompt: string;
  /** the question itself (the rewrite prompt filled with the subject) */
  question: string;
  rephrase: string;
  /** answers[0] */
  targetNew: string;
  /** `loc + "?"` */
  neighborhoodPrompt: string;
  /** `loc_ans` */
  neighborhoodAnswer: string;
}

export const NQ_PREFIX = "nq question: ";

/** Whether a parsed value looks like a MEND zsRE record (to tell it from CounterFact records). */
export function isZsreRecord(value: unknown): boolean {
  return isPlainObject(value) && "src" in value && "answers" in value && "subject" in value;
}

/** Validates one record; `where` names the file and record in errors. */
export function validateZsreRecord(value: unknown, where: string): ZsreRecord {
  if (!isPlainObject(value))
    throw new Error(
      `${where}: expected an object {subject, src, rephrase, answers, loc, loc_ans}, got ${describeValue(value)}`,
    );
  const fail = (field: string, expected: string): never => {
    throw new Error(`${where}: field "${field}" must be ${expected}, got ${describeValue(value[field])}`);
  };
  const text = (field: string): string =>
    typeof value[field] === "string" && (value[field] as string).trim() !== ""
      ? (value[field] as string)
      : fail(field, "a non-empty string");
  const record: ZsreRecord = {
    subject: text("subject"),
    src: text("src"),
    rephrase: text("rephrase"),
    answers: [],
    loc: text("loc"),
    loc_ans: text("loc_ans"),
  };
  const answers = value.answers;
  if (!Array.isArray(answers) || answers.length === 0) return fail("answers", "a non-empty array of strings");
  answers.forEach((a, i) => {
    if (typeof a !== "string" || a.trim() === "")
      throw new Error(`${where}: field "answers[${i}]" must be a non-empty string, got ${describeValue(a)}`);
  });
  record.answers = [...(answers as string[])];
  if (record.subject.trim() !== record.subject)
    throw new Error(
      `${where}: field "subject" must not start or end with whitespace: ${jsonPreview(record.subject)}`,
    );
  if (!record.src.includes(record.subject))
    throw new Error(
      `${where}: field "src" does not contain the subject ${jsonPreview(record.subject)}: ${jsonPreview(record.src)}`,
    );
  if (/[{}]/.test(record.src))
    throw new Error(
      `${where}: field "src" may not contain braces (the subject becomes "{}"): ${jsonPreview(record.src)}`,
    );
  if (!record.loc.includes(NQ_PREFIX))
    throw new Error(
      `${where}: field "loc" must hold a Natural Questions probe starting "${NQ_PREFIX}", got ${describeValue(record.loc)}`,
    );
  return record;
}

/** The reference's mapping of record `index` (its case id). */
export function zsreCase(record: ZsreRecord, index: number): ZsreCase {
  const at = record.src.indexOf(record.subject);
  return {
    caseId: index,
    subject: record.subject,
    prompt: record.src.slice(0, at) + "{}" + record.src.slice(at + record.subject.length),
    question: record.src,
    rephrase: record.rephrase,
    targetNew: record.answers[0],
    neighborhoodPrompt: `${record.loc}?`,
    neighborhoodAnswer: record.loc_ans,
  };
}

/** Validates parsed JSON (an array of records, or JSON Lines already split) and maps it. */
export function parseZsreRecords(json: unknown, source = "zsRE records"): ZsreCase[] {
  if (!Array.isArray(json))
    throw new Error(`${source}: expected a JSON array of zsRE records, got ${describeValue(json)}`);
  if (json.length === 0) throw new Error(`${source}: no records (an empty array)`);
  return json.map((value, index) => zsreCase(validateZsreRecord(value, `${source}: record ${index}`), index));
}

/** Reads a zsRE file: a JSON array of MEND records, or JSON Lines with one record per line. */
export function readZsreFile(path: string): ZsreCase[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read zsRE records ${path}: ${(error as Error).message}`, { cause: error });
  }
  if (text.trim().startsWith("[")) return parseZsreRecords(parseJsonText(text, path), path);
  const values = text
    .split("\n")
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, i }) => parseJsonText(line, `${path}: line ${i + 1}`));
  return parseZsreRecords(values, path);
}
