// Reading a fact corpus spec (corpus-spec.ts) from a JSON file, with errors that name the file and
// the field at fault.

import { readFileSync } from "node:fs";
import type { FactCorpusSpec } from "./corpus-spec.js";

const isObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === "object" && x !== null && !Array.isArray(x);

function need(cond: boolean, file: string, field: string, expected: string): void {
  if (!cond) throw new Error(`${file}: '${field}' must be ${expected}`);
}

const int = (x: unknown, min: number) => typeof x === "number" && Number.isInteger(x) && x >= min;

/** Parses and checks a spec object; `file` names it in errors. */
export function parseCorpusSpec(value: unknown, file: string): FactCorpusSpec {
  need(isObject(value), file, "(root)", "an object");
  const s = value as Record<string, unknown>;
  need(int(s.seed, 0), file, "seed", "an integer ≥ 0");
  need(int(s.subjects, 70), file, "subjects", "an integer ≥ 70");
  need(
    s.relations === undefined ||
      (Array.isArray(s.relations) && s.relations.every((r) => typeof r === "string")),
    file,
    "relations",
    "a list of relation ids",
  );
  for (const key of ["biographiesPerSubject", "narrativesPerSubject", "fillerSentences"])
    need(int(s[key], 0), file, key, "an integer ≥ 0");
  need(typeof s.questions === "boolean", file, "questions", "true or false");
  if (s.wikitext !== undefined) {
    const w = s.wikitext as Record<string, unknown>;
    need(isObject(w) && typeof w.file === "string", file, "wikitext.file", "a path");
    need(int(w.heldoutEvery, 2), file, "wikitext.heldoutEvery", "an integer ≥ 2");
    need(typeof w.trainChars === "number" && w.trainChars > 0, file, "wikitext.trainChars", "a number > 0");
  }
  if (s.realFacts !== undefined) {
    const r = s.realFacts as Record<string, unknown>;
    need(isObject(r) && typeof r.file === "string", file, "realFacts.file", "a path");
    need(int(r.records, 0), file, "realFacts.records", "an integer ≥ 0");
    need(typeof r.neighbours === "boolean", file, "realFacts.neighbours", "true or false");
    need(r.repeat === undefined || int(r.repeat, 1), file, "realFacts.repeat", "an integer ≥ 1");
  }
  need(isObject(s.eval), file, "eval", "an object");
  const e = s.eval as Record<string, unknown>;
  for (const key of [
    "records",
    "tuningRecords",
    "retentionRecords",
    "snippetsPerObject",
    "statisticsWikitextParagraphs",
  ])
    need(int(e[key], 0), file, `eval.${key}`, "an integer ≥ 0");
  const known = new Set([
    ...["seed", "subjects", "relations", "biographiesPerSubject", "narrativesPerSubject", "questions"],
    ...["fillerSentences", "wikitext", "realFacts", "eval"],
  ]);
  for (const key of Object.keys(s))
    need(known.has(key), file, key, "one of the spec's fields (unknown field)");
  return value as unknown as FactCorpusSpec;
}

export function readCorpusSpec(file: string): FactCorpusSpec {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new Error(
      `${file}: cannot read the corpus spec (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      { cause: error },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseCorpusSpec(value, file);
}
