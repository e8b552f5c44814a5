// The records an experiment edits (the paper's protocol: the first N records of a CounterFact or
// zsRE file, or N drawn with a seed), read and checked before any edit: errors name the file, the
// record and the field. Each record gives an edit request and, kept beside it, what the final
// metrics score (the CounterFact record or the mapped zsRE case).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readCounterfactFile } from "../data/counterfact/parse.js";
import type { CounterFactRecord } from "../data/counterfact/record.js";
import { readZsreFile, type ZsreCase } from "../data/zsre/records.js";
import { parseRequests } from "../editing/requests/parse.js";
import type { EditRequest } from "../editing/requests/types.js";
import { zsreCaseRequest } from "../editing/requests/zsre.js";
import { createRng } from "../util/random.js";
import type { RecordFormat } from "./types.js";

export type ExperimentRecords =
  | { format: "counterfact"; available: number; requests: EditRequest[]; records: CounterFactRecord[] }
  | { format: "zsre"; available: number; requests: EditRequest[]; records: ZsreCase[] };

/** Indices of the records to edit: the first `count`, or `count` drawn without replacement with `seed`. */
export function chooseRecords(available: number, count: number, seed: number | null): number[] {
  if (count > available) throw new Error(`--edits ${count}: the file holds only ${available} records`);
  const order = Array.from({ length: available }, (_, i) => i);
  if (seed === null) return order.slice(0, count);
  const rng = createRng(seed);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(available - i); // partial Fisher–Yates: order[0..i] is the draw so far
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order.slice(0, count);
}

/** Reads `file` in `format` and picks the records to edit, each checked as an edit request too. */
export function loadExperimentRecords(
  file: string,
  format: RecordFormat,
  count: number,
  seed: number | null,
): ExperimentRecords {
  if (format === "zsre") {
    const all = readZsreFile(file);
    const records = chooseRecords(all.length, count, seed).map((i) => all[i]);
    return { format, available: all.length, records, requests: records.map(zsreCaseRequest) };
  }
  const all = readCounterfactFile(file);
  const picked = chooseRecords(all.length, count, seed);
  // Every record is read as a request, so that errors name its index in the file and its case id.
  const requests = parseRequests(all, file);
  return {
    format,
    available: all.length,
    records: picked.map((i) => all[i]),
    requests: picked.map((i) => requests[i]),
  };
}

/** Hex sha256 of a file's bytes (config.json records it; a resumed run checks it). */
export function fileSha256(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}
