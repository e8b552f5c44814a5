// Reading and validating CounterFact records (Meng et al., "Locating and Editing Factual
// Associations in GPT", 2022: the `counterfact.json` / `multi_counterfact.json` format). Every
// error names the source, the record's index and case_id, and the field at fault.
import { readTextFile } from "../../io/fs-errors.js";
import { requireBoundedText } from "../../io/text-limits.js";
import type { CounterFactRecord } from "./record.js";
import { parseJsonText } from "../../io/json-text.js";
import { describeValue, isPlainObject } from "../../io/json-values.js";
import { placeholderOffset } from "../../tokenizers/prompt-template.js";

const PROMPT_LISTS = [
  "paraphrase_prompts",
  "neighborhood_prompts",
  "attribute_prompts",
  "generation_prompts",
] as const;

/** Checks one record; `where` prefixes errors (source and record index). */
function validateRecord(value: unknown, where: string): CounterFactRecord {
  if (!isPlainObject(value)) throw new Error(`${where}: expected an object, got ${describeValue(value)}`);
  const caseId = value.case_id;
  const at = Number.isSafeInteger(caseId) ? `${where} (case_id ${caseId})` : where;
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new Error(`${at}: field "${field}" must be ${expected}, got ${describeValue(got)}`);
  };
  if (!Number.isSafeInteger(caseId) || (caseId as number) < 0) fail("case_id", "an integer ≥ 0", caseId);
  const rewrite = value.requested_rewrite;
  if (!isPlainObject(rewrite)) return fail("requested_rewrite", "an object", rewrite);
  const text = (field: string, v: unknown): string => {
    if (typeof v !== "string" || v.length === 0) return fail(field, "a non-empty string", v);
    try {
      return requireBoundedText(v, field);
    } catch (error) {
      throw new Error(`${at}: ${(error as Error).message}`, { cause: error });
    }
  };
  const prompt = text("requested_rewrite.prompt", rewrite.prompt);
  try {
    placeholderOffset(prompt);
  } catch (error) {
    throw new Error(`${at}: field "requested_rewrite.prompt": ${(error as Error).message}`, { cause: error });
  }
  const target = (name: "target_new" | "target_true") => {
    const t = rewrite[name];
    if (!isPlainObject(t)) return fail(`requested_rewrite.${name}`, 'an object {"str", "id"}', t);
    const id = typeof t.id === "number" ? String(t.id) : t.id;
    return {
      str: text(`requested_rewrite.${name}.str`, t.str),
      id: text(`requested_rewrite.${name}.id`, id),
    };
  };
  const record: CounterFactRecord = {
    case_id: caseId as number,
    requested_rewrite: {
      prompt,
      relation_id: text("requested_rewrite.relation_id", rewrite.relation_id),
      target_new: target("target_new"),
      target_true: target("target_true"),
      subject: text("requested_rewrite.subject", rewrite.subject),
    },
    paraphrase_prompts: [],
    neighborhood_prompts: [],
    attribute_prompts: [],
    generation_prompts: [],
  };
  if (record.requested_rewrite.target_new.str === record.requested_rewrite.target_true.str)
    throw new Error(
      `${at}: field "requested_rewrite.target_new.str" equals target_true.str ` +
        `(${JSON.stringify(record.requested_rewrite.target_new.str)}): nothing to rewrite`,
    );
  if (value.pararel_idx !== undefined) record.pararel_idx = value.pararel_idx as number;
  for (const field of PROMPT_LISTS) {
    const list = value[field];
    if (!Array.isArray(list)) return fail(field, "an array of strings", list);
    list.forEach((p, i) => text(`${field}[${i}]`, p));
    record[field] = [...(list as string[])];
  }
  return record;
}

/** Validates parsed JSON as an array of CounterFact records with distinct case ids. */
export function parseCounterfactRecords(json: unknown, source = "counterfact records"): CounterFactRecord[] {
  if (!Array.isArray(json))
    throw new Error(`${source}: expected a JSON array of CounterFact records, got ${describeValue(json)}`);
  const seen = new Map<number, number>();
  return json.map((value, index) => {
    const record = validateRecord(value, `${source}: record ${index}`);
    const earlier = seen.get(record.case_id);
    if (earlier !== undefined)
      throw new Error(`${source}: record ${index} repeats case_id ${record.case_id} of record ${earlier}`);
    seen.set(record.case_id, index);
    return record;
  });
}

/** Reads and validates a CounterFact JSON file (an array of records). */
export function readCounterfactFile(path: string): CounterFactRecord[] {
  return parseCounterfactRecords(parseJsonText(readTextFile(path, "CounterFact records"), path), path);
}
