// `locedit experiment`: the paper's sequential editing protocol on one model (src/experiment),
// writing the RUN/ folder (config.json, batches.jsonl, probes.jsonl, metrics.json, report.html,
// report.md, state/) and resumable with --resume after a kill at any moment.
import { EDIT_METHODS, type EditMethod } from "../../editing/hparams/types.js";
import { EDIT_VARIANTS, type EditVariant } from "../../editing/methods/variants/index.js";
import { runExperiment, type ExperimentProgress } from "../../experiment/run.js";
import type { ExperimentSettings } from "../../experiment/types.js";
import { optionalInt, parseOptions, requireString, UsageError } from "../args.js";
import { progressBar } from "../progress.js";
import { consistencyReferences } from "./eval-output.js";

const USAGE = `usage: locedit experiment --model DIR --method rome|memit|pmet|alphaedit [--blue] [--variant seq|rect|prune]
                   --records FILE [--format counterfact|zsre] --edits N --batch-size B [--eval-every K]
                   [--probe TASK=FILE ...] [--probe-start N] [--probe-limit N] [--hparams FILE]
                   [--stats DIR] [--corpus FILE ... --samples N] [--seed S] [--skip-generation]
                   [--snippets FILE (--tfidf-vocab FILE --idf FILE | --tfidf-corpus FILE ...)]
                   [--batch-rows N] [--layers auto|L1,L2,...] --out RUN [--resume] [--save-model DIR] [--json]

  Edits the first N records (or N drawn with --seed S) in consecutive batches of B on one model that
  is never restored, runs the probes before the first batch, after every K-th and after the last,
  and computes every metric once after the last batch on all N records.

  --variant V          MEMIT/PMET variants: seq (key history in the solve), rect (top 40 % of ΔW),
                       prune (large singular values of ΣΔW log-scaled)
  --format F           counterfact (default) or zsre (MEND records)
  --probe TASK=FILE    sst2, mrpc, cola, rte, mmlu, nli (glue_eval rows), perplexity (text), retention
                       (CounterFact records of unedited facts); repeatable
  --stats DIR          statistics folder (default .locedit/stats); --corpus computes missing layers
  --skip-generation    no sampled generations: no fluency (nor consistency)
  --snippets FILE      CounterFact consistency against these attribute snippets, with the published
                       --tfidf-vocab/--idf or a vocabulary fitted on --tfidf-corpus files
  --layers auto        critical layers by causal tracing over up to 20 of the edited records (the window of
                       highest MLP effect, as long as the hyperparameters'), chosen once before the first
                       batch and recorded in config.json's critical_layers; or give them, e.g. --layers 3,4,5
  --out RUN            the run folder (must not exist, unless --resume continues the run it holds)
  --save-model DIR     also write the edited model (Hugging Face folder with edit-log.json)
  --json               print metrics.json`;

/** The settings from the flags (paths as given; the run makes them absolute). */
function settingsOf(values: Record<string, unknown>): ExperimentSettings {
  const method = requireString(values, "method", USAGE) as EditMethod;
  if (!EDIT_METHODS.includes(method))
    throw new UsageError(`--method must be one of ${EDIT_METHODS.join(", ")}, got '${method}'`);
  const variant = (values.variant as string | undefined) ?? null;
  if (variant !== null && !EDIT_VARIANTS.includes(variant as EditVariant))
    throw new UsageError(`--variant must be one of ${EDIT_VARIANTS.join(", ")}, got '${variant}'`);
  const format = (values.format as string | undefined) ?? "counterfact";
  if (format !== "counterfact" && format !== "zsre")
    throw new UsageError(`--format must be counterfact or zsre, got ${JSON.stringify(format)}`);
  const edits = optionalInt(values, "edits", NaN, 1);
  if (Number.isNaN(edits)) throw new UsageError(`--edits is required\n\n${USAGE}`);
  const batchSize = optionalInt(values, "batch-size", NaN, 1);
  if (Number.isNaN(batchSize)) throw new UsageError(`--batch-size is required\n\n${USAGE}`);
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : null);
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];
  const nullableInt = (name: string, min: number) =>
    values[name] === undefined ? null : optionalInt(values, name, 0, min);
  return {
    model: requireString(values, "model", USAGE),
    method,
    blue: values.blue === true,
    variant: variant as EditVariant | null,
    records: requireString(values, "records", USAGE),
    format,
    edits,
    batchSize,
    evalEvery: nullableInt("eval-every", 1),
    probes: list("probe"),
    probeStart: optionalInt(values, "probe-start", 0),
    probeLimit: nullableInt("probe-limit", 1),
    hparams: text("hparams"),
    stats: text("stats") ?? ".locedit/stats",
    corpus: list("corpus"),
    samples: nullableInt("samples", 1),
    seed: nullableInt("seed", 0),
    skipGeneration: values["skip-generation"] === true,
    snippets: text("snippets"),
    tfidfVocab: text("tfidf-vocab"),
    idf: text("idf"),
    tfidfCorpus: list("tfidf-corpus"),
    batchRows: optionalInt(values, "batch-rows", 64, 1),
    layers: text("layers"),
  };
}

/** The command line as typed (arguments with spaces or quotes quoted for a POSIX shell). */
function commandLine(argv: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ["locedit", "experiment", ...argv].map(quote).join(" ");
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return "?";
  return s >= 3600
    ? `${(s / 3600).toFixed(1)} h`
    : s >= 60
      ? `${(s / 60).toFixed(1)} min`
      : `${s.toFixed(0)} s`;
}

/** "batch 3/6 · 2.1 edits/s · ETA 40 s · compute_z at layer 1 (12/30)" */
export function describeExperimentProgress(e: ExperimentProgress): string {
  const rate = e.sessionSeconds > 0 ? e.sessionEdits / e.sessionSeconds : 0;
  const left = e.totalEdits - e.edits;
  const eta = e.stage === "edit" && rate > 0 ? ` · ETA ${formatSeconds(left / rate)} (editing)` : "";
  return `${rate > 0 ? `${rate.toFixed(2)} edits/s` : e.stage}${eta} · ${e.detail}`;
}

export async function experimentCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      method: { type: "string" },
      blue: { type: "boolean" },
      variant: { type: "string" },
      records: { type: "string" },
      format: { type: "string" },
      edits: { type: "string" },
      "batch-size": { type: "string" },
      "eval-every": { type: "string" },
      probe: { type: "string", multiple: true },
      "probe-start": { type: "string" },
      "probe-limit": { type: "string" },
      hparams: { type: "string" },
      stats: { type: "string" },
      corpus: { type: "string", multiple: true },
      samples: { type: "string" },
      seed: { type: "string" },
      "skip-generation": { type: "boolean" },
      snippets: { type: "string" },
      "tfidf-vocab": { type: "string" },
      idf: { type: "string" },
      "tfidf-corpus": { type: "string", multiple: true },
      "batch-rows": { type: "string" },
      layers: { type: "string" },
      out: { type: "string" },
      resume: { type: "boolean" },
      "save-model": { type: "string" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const settings = settingsOf(values);
  const out = requireString(values, "out", USAGE);
  const consistency =
    settings.snippets !== null
      ? consistencyReferences(
          {
            snippets: settings.snippets,
            vocab: settings.tfidfVocab ?? undefined,
            idf: settings.idf ?? undefined,
            corpus: settings.tfidfCorpus,
          },
          USAGE,
        )
      : undefined;
  const bar = progressBar("experiment", {
    plainEveryMs: 30_000,
    format: (done, total) => `batch ${done}/${total}`,
  });
  const metrics = await runExperiment({
    settings,
    out,
    resume: values.resume === true,
    ...(typeof values["save-model"] === "string" ? { saveModel: values["save-model"] } : {}),
    command: commandLine(argv),
    ...(consistency ? { consistency } : {}),
    onProgress: (e) => bar.update(e.batch, e.batches, describeExperimentProgress(e)),
    onWarning: (batch, warning) => bar.note(`warning: batch ${batch}: ${warning}`),
  });
  bar.finish();
  if (values.json) return void console.log(JSON.stringify(metrics, null, 2));
  const m = metrics.metrics as Record<string, number | null>;
  const pct = (k: string) => (typeof m[k] === "number" ? (m[k] as number).toFixed(1) : "–");
  console.log(
    `${out}: ${metrics.edits} edits (${metrics.format}): efficacy ${pct("efficacy")}, generalisation ` +
      `${pct("generalization")}, specificity ${pct("specificity")}` +
      (metrics.format === "counterfact"
        ? `, fluency ${pct("fluency")}, consistency ${pct("consistency")}`
        : "") +
      ` in ${metrics.seconds.toFixed(1)} s; report: ${out}/report.html`,
  );
}
