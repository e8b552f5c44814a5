// Rows of a probe file: a JSON array of objects, or JSON Lines (one object per line), as the
// glue_eval data are shipped (../shared/data/glue_eval/*.json). Each row keeps a label for errors:
// its index, its line in a JSON Lines file, and its `idx` / `index` field when it has one.
import { readFileSync } from "node:fs";
import { parseJsonText } from "../../io/json-text.js";
import { describeValue, isPlainObject } from "../../io/json-values.js";

export interface ProbeRow {
  value: Record<string, unknown>;
  /** "row 3 (idx 142)" or "line 4 (idx 142)" */
  label: string;
}

function labelOf(value: unknown, where: string): string {
  if (!isPlainObject(value)) return where;
  const record = value;
  for (const key of ["idx", "index", "id"])
    if (typeof record[key] === "number" || typeof record[key] === "string")
      return `${where} (${key} ${JSON.stringify(record[key])})`;
  return where;
}

function asRow(value: unknown, label: string, source: string): ProbeRow {
  if (!isPlainObject(value))
    throw new Error(`${source}: ${label}: expected a JSON object, got ${describeValue(value)}`);
  return { value, label };
}

/** Parses a probe file's text; `source` names it in errors. */
export function parseProbeRows(text: string, source: string): ProbeRow[] {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error(`${source}: the probe file is empty`);
  let rows: ProbeRow[];
  if (trimmed.startsWith("[")) {
    const json = parseJsonText(text, source) as unknown[];
    rows = json.map((value, i) => asRow(value, labelOf(value, `row ${i}`), source));
  } else {
    rows = [];
    text.split("\n").forEach((line, i) => {
      if (line.trim() === "") return;
      const value = parseJsonText(line, `${source}: line ${i + 1}`);
      rows.push(asRow(value, labelOf(value, `line ${i + 1}`), source));
    });
  }
  if (rows.length === 0) throw new Error(`${source}: the probe file has no rows`);
  return rows;
}

export function readProbeRows(path: string): ProbeRow[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read probe file ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseProbeRows(text, path);
}
