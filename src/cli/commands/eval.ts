// `locedit eval`: CounterFact metrics of a model (ROME/MEMIT's compute_rewrite_quality_counterfact
// + summarize): efficacy, generalisation, specificity, their harmonic Score, magnitudes,
// accuracies and, with --fluency, the generation n-gram entropy.
import { evaluateCounterfact } from "../../eval/counterfact/evaluate.js";
import type { CounterfactSummary } from "../../eval/counterfact/metrics.js";
import { readCounterfactFile } from "../../data/counterfact/parse.js";
import { optionalInt, parseOptions, requireString } from "../args.js";
import { loadModelAndTokenizer } from "../load.js";
import { progressBar } from "../progress.js";

const USAGE = `usage: locedit eval --model DIR --records FILE [--limit N] [--batch-rows N] [--fluency [--seed S]] [--json]

  --records FILE   CounterFact JSON (an array of records, e.g. models/tiny-facts/eval/counterfact.json)
  --limit N        evaluate only the first N records
  --batch-rows N   sequences per forward pass (default 64)
  --fluency        also sample generations (top-k 5, 100 tokens) and report their n-gram entropy (slow)
  --seed S         seed of the fluency sampling (default 0)
  --json           print the summary as JSON (percentages, with the wall time in seconds)`;

const ROWS: [keyof CounterfactSummary, string][] = [
  ["efficacy", "efficacy (ES)"],
  ["generalization", "generalisation (PS)"],
  ["specificity", "specificity (NS)"],
  ["score", "score (hmean)"],
  ["efficacyMagnitude", "efficacy magnitude"],
  ["generalizationMagnitude", "generalisation magnitude"],
  ["specificityMagnitude", "specificity magnitude"],
  ["efficacyAccuracy", "efficacy top-1"],
  ["generalizationAccuracy", "generalisation top-1"],
  ["specificityAccuracy", "specificity top-1"],
  ["fluency", "fluency (n-gram entropy)"],
];

/** The summary as an aligned two-column table; null metrics (skipped groups) are left out. */
export function formatSummary(summary: CounterfactSummary): string {
  const lines = ROWS.filter(([key]) => summary[key] !== null).map(
    ([key, label]) => `${label.padEnd(26)} ${(summary[key] as number).toFixed(2).padStart(8)}`,
  );
  return [...lines, `${"records (n)".padEnd(26)} ${String(summary.n).padStart(8)}`].join("\n");
}

export async function evalCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      records: { type: "string" },
      limit: { type: "string" },
      "batch-rows": { type: "string" },
      fluency: { type: "boolean" },
      seed: { type: "string" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const dir = requireString(values, "model", USAGE);
  const file = requireString(values, "records", USAGE);
  const limit = optionalInt(values, "limit", Infinity, 1);
  const batchRows = optionalInt(values, "batch-rows", 64, 1);
  const seed = optionalInt(values, "seed", 0);
  const records = readCounterfactFile(file).slice(0, limit);
  const { model, tokenizer } = await loadModelAndTokenizer(dir);
  const bar = progressBar("eval");
  const started = performance.now();
  const { summary } = evaluateCounterfact(model, tokenizer, records, {
    batchRows,
    include: { fluency: values.fluency === true },
    fluency: { seed },
    onProgress: (done, total) => bar.update(done, total),
  });
  const seconds = (performance.now() - started) / 1000;
  bar.finish();
  if (values.json) return void console.log(JSON.stringify({ ...summary, seconds }));
  console.log(formatSummary(summary));
  console.log(`(${records.length} records of ${file} in ${seconds.toFixed(2)} s)`);
}
