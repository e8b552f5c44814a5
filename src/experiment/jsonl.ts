// batches.jsonl and probes.jsonl: one JSON value per line, appended as a run goes. A run appends a
// batch's line before it saves the state that counts the batch, so after a kill the files hold at
// least the lines the state counts (perhaps one more, perhaps half a line); a resumed run keeps
// exactly the counted lines (keepJsonLines) before it appends again.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { writeFileAtomic } from "../io/atomic.js";
import { parseJsonText } from "../io/json-text.js";

export function appendJsonLine(path: string, value: unknown): void {
  appendFileSync(path, JSON.stringify(value) + "\n");
}

/** The values of a JSON Lines file (errors name the file and the line). */
export function readJsonLines<T>(path: string): T[] {
  const text = readFileSync(path, "utf8");
  return text
    .split("\n")
    .map((line, i) => ({ line, i }))
    .filter(({ line }) => line.trim() !== "")
    .map(({ line, i }) => parseJsonText(line, `${path}: line ${i + 1}`) as T);
}

/** Rewrites `path` (atomically) with its first `count` complete lines; throws if it has fewer. */
export function keepJsonLines(path: string, count: number, what: string): void {
  const lines = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
  const complete: string[] = [];
  for (const line of lines.slice(0, count)) {
    if (line.trim() === "") break;
    try {
      JSON.parse(line);
    } catch {
      break; // a line cut short by the kill
    }
    complete.push(line);
  }
  if (complete.length < count)
    throw new Error(
      `${path}: holds ${complete.length} complete lines, but the run's state counts ${count} ${what}; ` +
        "the folder was changed by hand: start the run again in a new folder",
    );
  writeFileAtomic(path, complete.map((l) => l + "\n").join(""));
}
