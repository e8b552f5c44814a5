// `locedit eval`: metrics of a model on edit benchmarks and general-capability probes.
//  - CounterFact (ROME/MEMIT's compute_rewrite_quality_counterfact + summarize): efficacy,
//    generalisation, specificity, their harmonic Score, magnitudes, accuracies; with --fluency the
//    generation n-gram entropy, with --consistency the TF-IDF cosine with attribute snippets;
//  - zsRE (--format zsre, eval_utils_zsre): teacher-forced token accuracy;
//  - --wild: greedy generation matched against the target, beside the teacher-forced figures;
//  - --probe TASK=FILE: glue_eval tasks, perplexity, retention (eval/probes).
import type { CausalLM } from "../../models/causal-lm.js";
import { evaluateCounterfact } from "../../eval/counterfact/evaluate.js";
import type { CounterfactSummary } from "../../eval/counterfact/metrics.js";
import { readCounterfactFile } from "../../data/counterfact/parse.js";
import { evaluateCounterfactWild } from "../../eval/counterfact/wild.js";
import { loadProbe, parseProbeArgument, runProbe, type ProbeResult } from "../../eval/probes/run-probe.js";
import type { WildSummary } from "../../eval/wild/summary.js";
import { evaluateZsre } from "../../eval/zsre/evaluate.js";
import { evaluateZsreWild } from "../../eval/zsre/wild.js";
import { readZsreFile } from "../../data/zsre/records.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { optionalInt, parseOptions, UsageError } from "../args.js";
import { loadModelAndTokenizer } from "../load.js";
import { progressBar } from "../progress.js";
import { consistencyReferences, formatProbe, formatWild, formatZsre } from "./eval-output.js";

const USAGE = `usage: locedit eval --model DIR [--records FILE [--format counterfact|zsre]] [--limit N] [--batch-rows N]
                   [--fluency [--seed S]] [--consistency --snippets FILE (--tfidf-vocab FILE --idf FILE | --tfidf-corpus FILE ...)]
                   [--wild [--wild-max-tokens N]] [--probe TASK=FILE ...] [--probe-start N] [--probe-limit N] [--json]

  --records FILE       edit records: CounterFact JSON (e.g. models/tiny-facts/eval/counterfact.json) or,
                       with --format zsre, zsRE records in the MEND format (JSON array or JSON Lines)
  --format F           counterfact (default) or zsre
  --limit N            evaluate only the first N records
  --batch-rows N       sequences per forward pass (default 64)
  --fluency            also sample generations (top-k 5, 100 tokens) and report their n-gram entropy (slow)
  --seed S             seed of the fluency sampling (default 0)
  --consistency        CounterFact: TF-IDF cosine of those generations with the new target's snippets
  --snippets FILE      attribute snippets: [{relation_id, target_id, samples:[{name,text}]}] or
                       {relation_id: {target_id: [{name, text}]}}
  --tfidf-vocab FILE   the published tfidf_vocab.json (with --idf idf.npy), or instead
  --tfidf-corpus FILE  fit the vocabulary and idf on text files (one document per line; a .json
                       file is read as attribute snippets); repeatable
  --wild               also greedy-generate answers (stop at newline/EOS) and match them to the targets
  --wild-max-tokens N  most tokens per WILD answer (default 16)
  --probe TASK=FILE    general-capability probe, repeatable: sst2, mrpc, cola, rte, mmlu, nli (glue_eval
                       rows), perplexity (plain text), retention (CounterFact records of unedited facts)
  --probe-start N      skip the first N rows of each probe file (the published protocol: 10)
  --probe-limit N      use at most N rows of each probe file (the published protocol: 100)
  --json               print every figure as JSON (percentages for the edit metrics, fractions for
                       the probes, with the wall time in seconds)`;

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
  ["consistency", "consistency (TF-IDF)"],
];

/** The summary as an aligned two-column table; null metrics (skipped groups) are left out. */
export function formatSummary(summary: CounterfactSummary): string {
  const lines = ROWS.filter(([key]) => summary[key] !== null).map(
    ([key, label]) => `${label.padEnd(26)} ${(summary[key] as number).toFixed(2).padStart(8)}`,
  );
  if (summary.skipped > 0)
    lines.push(`${"skipped (too long)".padEnd(26)} ${String(summary.skipped).padStart(8)}`);
  if (summary.consistencyMissing)
    lines.push(`${"no snippets (records)".padEnd(26)} ${String(summary.consistencyMissing).padStart(8)}`);
  return [...lines, `${"records (n)".padEnd(26)} ${String(summary.n).padStart(8)}`].join("\n");
}

export async function evalCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      records: { type: "string" },
      format: { type: "string" },
      limit: { type: "string" },
      "batch-rows": { type: "string" },
      fluency: { type: "boolean" },
      seed: { type: "string" },
      consistency: { type: "boolean" },
      snippets: { type: "string" },
      "tfidf-vocab": { type: "string" },
      idf: { type: "string" },
      "tfidf-corpus": { type: "string", multiple: true },
      wild: { type: "boolean" },
      "wild-max-tokens": { type: "string" },
      probe: { type: "string", multiple: true },
      "probe-start": { type: "string" },
      "probe-limit": { type: "string" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const dir = values.model;
  if (typeof dir !== "string" || dir === "") throw new UsageError(`--model is required\n\n${USAGE}`);
  const file = typeof values.records === "string" ? values.records : undefined;
  const probeArgs = (values.probe as string[] | undefined) ?? [];
  if (file === undefined && probeArgs.length === 0)
    throw new UsageError(`--records is required (or give at least one --probe)\n\n${USAGE}`);
  const format = (values.format as string | undefined) ?? "counterfact";
  if (format !== "counterfact" && format !== "zsre")
    throw new UsageError(`--format must be counterfact or zsre, got ${JSON.stringify(format)}`);
  const limit = optionalInt(values, "limit", Infinity, 1);
  const batchRows = optionalInt(values, "batch-rows", 64, 1);
  const seed = optionalInt(values, "seed", 0);
  const wildMaxTokens = optionalInt(values, "wild-max-tokens", 16, 1);
  if (values.consistency && format === "zsre")
    throw new UsageError("--consistency is a CounterFact metric (--format counterfact)");
  const probeStart = optionalInt(values, "probe-start", 0);
  const probeLimit = optionalInt(values, "probe-limit", Infinity, 1);
  const specs = probeArgs.map((arg) => {
    try {
      return { ...parseProbeArgument(arg), start: probeStart, limit: probeLimit };
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
  });
  const repeated = specs.find((s, i) => specs.findIndex((t) => t.task === s.task) !== i);
  if (repeated) throw new UsageError(`--probe ${repeated.task} is given twice; one file per task`);
  // Read and check every input before loading the model.
  const consistency = values.consistency
    ? consistencyReferences(
        {
          snippets: values.snippets as string | undefined,
          vocab: values["tfidf-vocab"] as string | undefined,
          idf: values.idf as string | undefined,
          corpus: (values["tfidf-corpus"] as string[] | undefined) ?? [],
        },
        USAGE,
      )
    : undefined;
  const counterfact =
    file !== undefined && format === "counterfact" ? readCounterfactFile(file).slice(0, limit) : null;
  const zsre = file !== undefined && format === "zsre" ? readZsreFile(file).slice(0, limit) : null;
  const probes = specs.map((spec) => loadProbe(spec));
  const { model, tokenizer } = await loadModelAndTokenizer(dir);
  const bar = progressBar("eval", { plainEveryMs: 30_000 }); // off a TTY: a line every 30 s of a long run
  const onProgress = (done: number, total: number) => bar.update(done, total);
  const started = performance.now();
  let summary: CounterfactSummary | null = null;
  let zsreSummary = null;
  let wild: WildSummary | null = null;
  if (counterfact) {
    summary = evaluateCounterfact(model, tokenizer, counterfact, {
      batchRows,
      include: { fluency: values.fluency === true },
      fluency: { seed },
      consistency,
      onProgress,
    }).summary;
    if (values.wild)
      wild = evaluateCounterfactWild(model, tokenizer, counterfact, {
        maxNewTokens: wildMaxTokens,
        onProgress,
      }).summary;
  }
  if (zsre) {
    zsreSummary = evaluateZsre(model, tokenizer, zsre, { batchRows, onProgress, source: file }).summary;
    if (values.wild)
      wild = evaluateZsreWild(model, tokenizer, zsre, { maxNewTokens: wildMaxTokens, onProgress }).summary;
  }
  const general = runProbes(probes, model, tokenizer, onProgress);
  const seconds = (performance.now() - started) / 1000;
  bar.finish();
  if (values.json) {
    const figures = summary ?? zsreSummary ?? {};
    const extra = { ...(wild ? { wild } : {}), ...(probes.length > 0 ? { general } : {}) };
    return void console.log(JSON.stringify({ ...figures, ...(file ? { format } : {}), ...extra, seconds }));
  }
  if (summary) console.log(formatSummary(summary));
  if (zsreSummary) console.log(formatZsre(zsreSummary));
  if (wild) console.log(formatWild(wild));
  for (const result of Object.values(general)) console.log(formatProbe(result));
  const what = file ? `${(counterfact ?? zsre)!.length} records of ${file}` : `${probes.length} probes`;
  console.log(`(${what} in ${seconds.toFixed(2)} s)`);
}

function runProbes(
  probes: ReturnType<typeof loadProbe>[],
  model: CausalLM,
  tokenizer: Tokenizer,
  onProgress: (done: number, total: number) => void,
): Record<string, ProbeResult> {
  const general: Record<string, ProbeResult> = {};
  for (const probe of probes) general[probe.spec.task] = runProbe(probe, model, tokenizer, { onProgress });
  return general;
}
