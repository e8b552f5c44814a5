// Attribute snippets: reference texts about entities that hold an attribute, the "consistency"
// references of the ROME/MEMIT CounterFact evaluation (Meng et al. 2022, `dsets/attr_snippets.py`):
// snippets[relation_id][target_id] lists Wikipedia snippets {name, text} about every subject s'
// with (s', relation, target). Two layouts are read:
//   - the published `attribute_snippets.json`: [{relation_id, target_id, samples: [{name, text}]}];
//   - the same as nested objects: {relation_id: {target_id: [{name, text}, ...]}}.
// Every error names the file, the entry and the field.
import { readFileSync } from "node:fs";
import { parseJsonText } from "../../io/json-text.js";
import { describeValue, isPlainObject } from "../../io/json-values.js";

export interface Snippet {
  /** the subject the text is about */
  name: string;
  text: string;
}

/** relation id → target id → snippets */
export type AttributeSnippets = Map<string, Map<string, Snippet[]>>;

function parseSamples(value: unknown, where: string, field: string): Snippet[] {
  if (!Array.isArray(value))
    throw new Error(
      `${where}: field "${field}" must be an array of {name, text}, got ${describeValue(value)}`,
    );
  return value.map((sample, i) => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(sample))
      throw new Error(`${where}: field "${at}" must be an object {name, text}, got ${describeValue(sample)}`);
    for (const key of ["name", "text"] as const)
      if (typeof sample[key] !== "string")
        throw new Error(`${where}: field "${at}.${key}" must be a string, got ${describeValue(sample[key])}`);
    return { name: sample.name as string, text: sample.text as string };
  });
}

function add(snippets: AttributeSnippets, relation: string, target: string, samples: Snippet[]): void {
  const byTarget = snippets.get(relation) ?? new Map<string, Snippet[]>();
  snippets.set(relation, byTarget);
  byTarget.set(target, [...(byTarget.get(target) ?? []), ...samples]);
}

/** Validates parsed JSON in either layout; `source` names the file in errors. */
export function parseAttributeSnippets(json: unknown, source: string): AttributeSnippets {
  const snippets: AttributeSnippets = new Map();
  if (Array.isArray(json)) {
    json.forEach((entry, index) => {
      const where = `${source}: entry ${index}`;
      if (!isPlainObject(entry))
        throw new Error(
          `${where}: expected an object {relation_id, target_id, samples}, got ${describeValue(entry)}`,
        );
      for (const key of ["relation_id", "target_id"] as const)
        if (typeof entry[key] !== "string" || entry[key] === "")
          throw new Error(
            `${where}: field "${key}" must be a non-empty string, got ${describeValue(entry[key])}`,
          );
      add(
        snippets,
        entry.relation_id as string,
        entry.target_id as string,
        parseSamples(entry.samples, where, "samples"),
      );
    });
    return snippets;
  }
  if (!isPlainObject(json))
    throw new Error(
      `${source}: expected attribute snippets ([{relation_id, target_id, samples}] or {relation: {target: [...]}}), got ${describeValue(json)}`,
    );
  for (const [relation, byTarget] of Object.entries(json)) {
    if (!isPlainObject(byTarget))
      throw new Error(
        `${source}: relation ${JSON.stringify(relation)} must map target ids to snippet lists, got ${describeValue(byTarget)}`,
      );
    for (const [target, samples] of Object.entries(byTarget))
      add(
        snippets,
        relation,
        target,
        parseSamples(samples, `${source}: relation ${JSON.stringify(relation)}`, target),
      );
  }
  return snippets;
}

/** Reads an attribute snippets file. */
export function readAttributeSnippets(path: string): AttributeSnippets {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read the attribute snippets ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parseAttributeSnippets(parseJsonText(text, path), path);
}

/** The snippets for (relation, target), or null when the file has none (the metric is then not defined). */
export function snippetsFor(snippets: AttributeSnippets, relation: string, target: string): Snippet[] | null {
  const list = snippets.get(relation)?.get(target);
  return list && list.length > 0 ? list : null;
}

/** Every snippet text: the documents the reference fits its TF-IDF vectorizer on (`collect_stats`). */
export function snippetDocuments(snippets: AttributeSnippets): string[] {
  return [...snippets.values()].flatMap((byTarget) =>
    [...byTarget.values()].flatMap((list) => list.map((s) => s.text)),
  );
}
