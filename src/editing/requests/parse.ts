// Edit requests from files: CounterFact records (Meng et al. 2022; `requested_rewrite` with a
// "{}" prompt template, `target_new.str`, `target_true.str`), a flat form `{prompt, subject,
// target_new, target_true?}` whose prompt may spell the subject out, or camelCase `targetNew` /
// `targetTrue`, or zsRE records in the MEND format (zsre.ts); as one JSON value (a record or an
// array) or JSON Lines. Targets get a leading space as kmeng01/memit's memit_main does
// (`" " + target_new["str"]` when it lacks one).
import { readTextFile } from "../../io/fs-errors.js";
import { requireBoundedText } from "../../io/text-limits.js";
import { parseJsonText } from "../../io/json-text.js";
import { isPlainObject, jsonPreview } from "../../io/json-values.js";
import type { EditRequest } from "./types.js";
import { isZsreRecord, zsreRequest } from "./zsre.js";

type Json = Record<string, unknown>;

/** Fields of the flat form whose near-misses ("target", "targetnew", "target-true") are errors. */
const TARGET_FIELDS = ["target_new", "targetNew", "target_true", "targetTrue"];

/**
 * The template for `prompt`: itself when it holds one "{}", else the prompt with the subject's
 * first occurrence replaced by "{}". Throws `problem` messages naming `field`.
 */
export function promptTemplate(prompt: string, subject: string, field = "prompt"): string {
  const placeholders = prompt.split("{}").length - 1;
  if (placeholders > 1)
    throw new Error(
      `field "${field}" has ${placeholders} "{}" placeholders; exactly one marks the subject: ${jsonPreview(prompt)}`,
    );
  let template = prompt;
  if (placeholders === 0) {
    const at = prompt.indexOf(subject);
    if (at < 0)
      throw new Error(
        `field "${field}" contains neither "{}" nor the subject ${jsonPreview(subject)}: ${jsonPreview(prompt)}`,
      );
    template = prompt.slice(0, at) + "{}" + prompt.slice(at + subject.length);
  }
  // The reference fills templates with str.format: any other brace would break or be eaten.
  if (/[{}]/.test(template.replace("{}", "")))
    throw new Error(
      `field "${field}" may contain braces only as the one "{}" placeholder: ${jsonPreview(prompt)}`,
    );
  return template;
}

/** `target` with a leading space, as the model should read it (" Paris"); throws if blank. */
export function normalizeTarget(target: string, field: string): string {
  if (target.trim() === "")
    throw new Error(`field "${field}" must be a non-empty string, got ${jsonPreview(target)}`);
  return /^\s/.test(target) ? target : ` ${target}`;
}

function text(value: unknown, field: string): string {
  if (typeof value === "string") requireBoundedText(value, field); // before trim() reads it all
  if (typeof value !== "string" || value.trim() === "")
    throw new Error(`field "${field}" must be a non-empty string, got ${jsonPreview(value)}`);
  return value;
}

/** A target given as a string or as CounterFact's {str, id}. */
function targetText(value: unknown, field: string): { text: string; field: string } {
  if (isPlainObject(value)) return { text: text(value.str, `${field}.str`), field: `${field}.str` };
  return { text: text(value, field), field };
}

/** One of `snake` / `camel` (the same value if both are given), or undefined. */
function eitherSpelling(record: Json, snake: string, camel: string, prefix: string): [unknown, string] {
  const a = record[snake];
  const b = record[camel];
  if (a !== undefined && b !== undefined && JSON.stringify(a) !== JSON.stringify(b))
    throw new Error(
      `fields "${prefix}${snake}" and "${prefix}${camel}" disagree: ${jsonPreview(a)} vs ${jsonPreview(b)}`,
    );
  return a !== undefined ? [a, snake] : [b, camel];
}

/** Parses one record (CounterFact or flat). Errors are prefixed by the caller with the record's label. */
function parseRecord(value: unknown, index: number): EditRequest {
  if (!isPlainObject(value))
    throw new Error(
      `must be a JSON object (a CounterFact record or {prompt, subject, target_new}), got ${jsonPreview(value)}`,
    );
  const counterfact = value.requested_rewrite !== undefined;
  if (counterfact && !isPlainObject(value.requested_rewrite))
    throw new Error(
      `field "requested_rewrite" must be an object, got ${jsonPreview(value.requested_rewrite)}`,
    );
  const fields = counterfact ? (value.requested_rewrite as Json) : value;
  const prefix = counterfact ? "requested_rewrite." : "";
  if (!counterfact)
    for (const key of Object.keys(value))
      if (/^target/i.test(key) && !TARGET_FIELDS.includes(key))
        throw new Error(
          `unknown field "${key}"; targets are given as ${TARGET_FIELDS.map((f) => `"${f}"`).join(", ")}`,
        );

  const subject = text(fields.subject, `${prefix}subject`);
  if (subject.trim() !== subject)
    throw new Error(
      `field "${prefix}subject" must not start or end with whitespace (the template supplies the spacing): ${jsonPreview(subject)}`,
    );
  const prompt = promptTemplate(text(fields.prompt, `${prefix}prompt`), subject, `${prefix}prompt`);
  const [rawNew, newName] = eitherSpelling(fields, "target_new", "targetNew", prefix);
  if (rawNew === undefined) throw new Error(`field "${prefix}target_new" is required (the new object)`);
  const targetNew = targetText(rawNew, `${prefix}${newName}`);
  const request: EditRequest = {
    prompt,
    subject,
    targetNew: normalizeTarget(targetNew.text, targetNew.field),
  };

  const [rawTrue, trueName] = eitherSpelling(fields, "target_true", "targetTrue", prefix);
  if (rawTrue !== undefined) {
    const targetTrue = targetText(rawTrue, `${prefix}${trueName}`);
    request.targetTrue = normalizeTarget(targetTrue.text, targetTrue.field);
    if (request.targetTrue === request.targetNew)
      throw new Error(
        `field "${targetNew.field}" equals "${targetTrue.field}" (${jsonPreview(request.targetNew)}): nothing to edit`,
      );
  }
  const id = value.case_id ?? value.id;
  if (id !== undefined && typeof id !== "string" && typeof id !== "number")
    throw new Error(
      `field "${value.case_id !== undefined ? "case_id" : "id"}" must be a number or a string, got ${jsonPreview(id)}`,
    );
  request.id = id ?? index;
  return request;
}

/** `<source>: record <i> (case_id <c>)`, the prefix of a record's errors. */
function recordLabel(source: string, value: unknown, index: number, where = `record ${index}`): string {
  const caseId = isPlainObject(value) ? (value.case_id ?? value.id) : undefined;
  return `${source}: ${where}${caseId === undefined ? "" : ` (${isPlainObject(value) && value.case_id !== undefined ? "case_id" : "id"} ${jsonPreview(caseId)})`}`;
}

function parseLabelled(value: unknown, index: number, label: string): EditRequest {
  if (isZsreRecord(value)) return zsreRequest(value, index, label);
  try {
    return parseRecord(value, index);
  } catch (error) {
    throw new Error(`${label}: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Requests from a parsed JSON value: one record or an array of records, each a CounterFact record
 * or the flat form. `source` (the file) and the record's index and case id prefix every error.
 */
export function parseRequests(json: unknown, source: string): EditRequest[] {
  const records = Array.isArray(json) ? json : [json];
  if (records.length === 0) throw new Error(`${source}: no requests (an empty array)`);
  return records.map((record, index) => parseLabelled(record, index, recordLabel(source, record, index)));
}

/** Requests from a file's text: a JSON record or array, or JSON Lines (one record per line). */
export function parseRequestsText(text: string, source: string): EditRequest[] {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error(`${source}: no requests (the file is empty)`);
  if (trimmed.startsWith("[")) return parseRequests(parseJsonText(text, source), source);
  if (trimmed.startsWith("{")) {
    try {
      return parseRequests(JSON.parse(text), source);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      // Not one JSON value: JSON Lines.
    }
  }
  const requests: EditRequest[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const value = parseJsonText(line, `${source}: line ${i + 1}`);
    const index = requests.length;
    requests.push(parseLabelled(value, index, recordLabel(source, value, index, `line ${i + 1}`)));
  });
  return requests;
}

/** Reads a request file (JSON or JSON Lines). */
export function readRequestsFile(path: string): EditRequest[] {
  return parseRequestsText(readTextFile(path, "the request file"), path);
}
