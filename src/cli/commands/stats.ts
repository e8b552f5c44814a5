// `locedit stats`: computes (or finds in the cache) the covariance statistics C0 = E[k kᵀ] of
// chosen layers over a text corpus; `locedit stats merge` adds up shards computed apart.
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadOrComputeStats } from "../../stats/compute.js";
import { mergeStats } from "../../stats/merge.js";
import { DEFAULT_BATCH_TOKENS } from "../../stats/options.js";
import { meanSquaredNorm } from "../../stats/second-moment.js";
import { statsPath } from "../../stats/stats-file.js";
import type { LayerStats, StatsDtype } from "../../stats/types.js";
import { checkOutputFolder } from "../../io/output-check.js";
import { optionalInt, parseGigabytes, parseOptions, requireString, UsageError } from "../args.js";
import { describeStatsPlan } from "../../stats/memory-plan.js";
import { statisticsBytes } from "../output-size.js";
import { loadModelAndTokenizer } from "../load.js";
import { LONG_COMMAND, progressBar } from "../progress.js";

const USAGE = `usage: locedit stats --model DIR --layers 3,4,5 --corpus FILE [--corpus FILE ...] --samples N
                    [--max-len T] [--dtype float32|float64] [--batch-tokens N] [--stats-memory GB]
                    [--checkpoint-batches N] --out DIR [--json] [--shard I/N] [--window-samples W]
                    [--until-stable TOL [--stable-lambda L] [--probe-keys P]]
       locedit stats merge --out DIR SHARD_DIR_OR_FILE SHARD_DIR_OR_FILE... [--json]

Each non-blank line of the corpus files that is not a wikitext heading is one sample; the first N
samples are used, in windows of W samples (default 1024) sorted by length into batches. Statistics
are cached under DIR/<model fingerprint>/; an interrupted run (Ctrl-C) keeps its partial sums and the
same command resumes it; partial sums are also written every 60 s (or every N batches with
--checkpoint-batches N), so a killed run resumes from the last of them. --stats-memory bounds the memory the accumulators (d_ff² float64 per layer)
take at once (default: a quarter of the weights' memory, within what is available); layers that do
not fit together take more passes.
--shard I/N computes shard I (0-based) of N: a contiguous range of whole windows (in every pass),
its sum kept in float64, so that merging all N gives the unsharded statistics (same file name, same
token count, sums equal to float64 rounding). --until-stable TOL stops after the first window at
which A = (L·C0 + P·Pᵀ)⁻¹·P (MEMIT's solve for the first P keys of the corpus, L default 15000, P
default 64) changed by less than TOL (relative) at every layer; the statistics are keyed by the
samples reached; with several passes each checks its own layers, none stops before an earlier one,
and those that stopped short are summed again to the furthest stop. merge adds up shards:
parts that tile one range of one corpus keep that corpus's key, others get corpus
"merged:<sha256 of the parts>"; overlapping sample ranges are refused.`;

export async function statsCommand(argv: string[]): Promise<void> {
  if (argv[0] === "merge") return mergeCommand(argv.slice(1));
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      layers: { type: "string" },
      corpus: { type: "string", multiple: true },
      samples: { type: "string" },
      "max-len": { type: "string" },
      dtype: { type: "string" },
      "batch-tokens": { type: "string" },
      "checkpoint-batches": { type: "string" },
      "stats-memory": { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
      shard: { type: "string" },
      "window-samples": { type: "string" },
      "until-stable": { type: "string" },
      "stable-lambda": { type: "string" },
      "probe-keys": { type: "string" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const modelDir = requireString(values, "model", USAGE);
  const layers = parseLayers(requireString(values, "layers", USAGE));
  const corpusFiles = (values.corpus as string[] | undefined) ?? [];
  if (corpusFiles.length === 0) throw new UsageError(`--corpus is required\n\n${USAGE}`);
  const samples = optionalInt(values, "samples", 0, 1);
  if (values.samples === undefined) throw new UsageError(`--samples is required\n\n${USAGE}`);
  const maxLen = values["max-len"] === undefined ? undefined : optionalInt(values, "max-len", 0, 1);
  const batchTokens = optionalInt(values, "batch-tokens", DEFAULT_BATCH_TOKENS, 1);
  const dtype = parseDtype(values.dtype);
  const cacheDir = requireString(values, "out", USAGE);
  const shard = values.shard === undefined ? undefined : parseShard(values.shard);
  const windowSamples =
    values["window-samples"] === undefined ? undefined : optionalInt(values, "window-samples", 0, 1);
  const untilStable = parseUntilStable(values);
  if (shard && untilStable) throw new UsageError(`--until-stable does not combine with --shard\n\n${USAGE}`);
  const checks: { samples: number; change: Record<string, number> }[] = [];
  // Before the (possibly long) model load: a missing corpus file is the commonest mistake.
  for (const file of corpusFiles)
    if (!existsSync(file)) throw new Error(`${file}: corpus file does not exist`);
  checkOutputFolder(cacheDir, {
    bytes: statisticsBytes(modelDir, new Set(layers).size, dtype),
    what: `the statistics of ${new Set(layers).size} layer(s)`,
  });
  const { model, tokenizer } = await loadModelAndTokenizer(modelDir);

  const bar = progressBar("stats", LONG_COMMAND);
  const cached = new Set<number>();
  const started = Date.now();
  let tokens = 0;
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error("interrupted"));
  process.once("SIGINT", interrupt);
  let stats: Map<number, LayerStats>;
  try {
    stats = await loadOrComputeStats(model, tokenizer, {
      layers,
      corpusFiles,
      samples,
      maxLen,
      dtype,
      batchTokens,
      cacheDir,
      modelDir,
      ...(shard ? { shard } : {}),
      ...(windowSamples ? { windowSamples } : {}),
      ...(untilStable
        ? {
            untilStable: {
              ...untilStable,
              onCheck: (c) => checks.push({ samples: c.samples, change: Object.fromEntries(c.change) }),
            },
          }
        : {}),
      signal: controller.signal,
      ...(values["checkpoint-batches"] === undefined
        ? {}
        : { checkpoint: { batches: optionalInt(values, "checkpoint-batches", 0, 1) } }),
      ...(values["stats-memory"] !== undefined
        ? { memoryBudget: parseGigabytes(values["stats-memory"] as string) }
        : {}),
      onNotice: (message) => console.error(`note: ${message}`),
      onPlan: (plan) => {
        if (!values.json) console.error(describeStatsPlan(plan));
      },
      onProgress: (p) => {
        if (p.layer !== undefined) return void cached.add(p.layer);
        tokens = p.tokens;
        const pass = p.passes ? `pass ${p.pass}/${p.passes}, ` : "";
        bar.update(
          p.done,
          p.total,
          `${pass}${Math.round(tokens / ((Date.now() - started) / 1000))} tok/s`,
          p.passes ? `statistics, pass ${p.pass}/${p.passes}` : "statistics",
        );
      },
    });
  } catch (error) {
    bar.finish();
    if (controller.signal.aborted)
      throw new Error(`interrupted; partial sums are saved under ${cacheDir}, the same command resumes`, {
        cause: error,
      });
    throw error;
  } finally {
    process.removeListener("SIGINT", interrupt);
  }
  const seconds = (Date.now() - started) / 1000;
  bar.finish();
  const run = { seconds, tokens, shard: values.shard as string | undefined, untilStable, samples, checks };
  printSummary(stats, cacheDir, cached, run, values.json === true);
}

function parseShard(text: unknown): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(String(text));
  const [index, count] = match ? [Number(match[1]), Number(match[2])] : [NaN, NaN];
  if (!match || count < 1 || index >= count)
    throw new UsageError(`--shard must be I/N with 0 ≤ I < N (e.g. 0/8), got ${JSON.stringify(text)}`);
  return { index, count };
}

function parseUntilStable(
  values: Record<string, unknown>,
): { tolerance: number; lambda?: number; probeKeys?: number } | null {
  if (values["until-stable"] === undefined) {
    for (const flag of ["stable-lambda", "probe-keys"])
      if (values[flag] !== undefined) throw new UsageError(`--${flag} needs --until-stable\n\n${USAGE}`);
    return null;
  }
  const tolerance = Number(values["until-stable"]);
  if (!(tolerance > 0 && tolerance < 1))
    throw new UsageError(
      `--until-stable must be a relative change in (0, 1), e.g. 0.01, got ${JSON.stringify(values["until-stable"])}`,
    );
  const lambda = values["stable-lambda"] === undefined ? undefined : Number(values["stable-lambda"]);
  if (lambda !== undefined && !(lambda > 0))
    throw new UsageError(
      `--stable-lambda must be a positive number, got ${JSON.stringify(values["stable-lambda"])}`,
    );
  const probeKeys = values["probe-keys"] === undefined ? undefined : optionalInt(values, "probe-keys", 0, 1);
  return { tolerance, ...(lambda ? { lambda } : {}), ...(probeKeys ? { probeKeys } : {}) };
}

function parseLayers(text: string): number[] {
  const layers: number[] = [];
  for (const part of text.split(",")) {
    const range = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!range)
      throw new UsageError(`--layers must be a list like 3,4,5 or 3-5, got ${JSON.stringify(text)}`);
    const [from, to] = [Number(range[1]), Number(range[2] ?? range[1])];
    for (let layer = from; layer <= to; layer++) layers.push(layer);
  }
  return layers;
}

function parseDtype(value: unknown): StatsDtype {
  if (value === undefined) return "float32";
  if (value !== "float32" && value !== "float64")
    throw new UsageError(`--dtype must be float32 or float64, got ${JSON.stringify(value)}`);
  return value;
}

function layerSummary(stats: LayerStats, path: string) {
  const trace = meanSquaredNorm(stats);
  return {
    layer: stats.layer,
    model: stats.key.model,
    dim: stats.dim,
    count: stats.count,
    trace_c0: trace,
    mean_sq_norm: trace,
    path,
  };
}

interface RunSummary {
  seconds: number;
  tokens: number;
  shard: string | undefined;
  untilStable: { tolerance: number } | null;
  /** --samples asked for */
  samples: number;
  checks: { samples: number; change: Record<string, number> }[];
}

function printSummary(
  stats: Map<number, LayerStats>,
  cacheDir: string,
  cached: Set<number>,
  run: RunSummary,
  json: boolean,
): void {
  const first = [...stats.values()][0];
  const layers = [...stats.values()].map((s) => ({
    ...layerSummary(s, statsPath(cacheDir, s.key)),
    cached: cached.has(s.layer),
  }));
  const tokensPerSecond = run.tokens > 0 ? run.tokens / run.seconds : null;
  const { model, corpus, samples, maxLen, dtype } = first.key;
  const from = first.key.first ?? 0;
  const stable = run.untilStable
    ? {
        tolerance: run.untilStable.tolerance,
        samples_reached: samples,
        // a run stops before --samples only when stable
        stable: samples < run.samples,
        checks: run.checks,
      }
    : null;
  if (json) {
    const report = { model, corpus, samples, max_len: maxLen, dtype, layers, seconds: run.seconds };
    const extra = {
      ...(run.shard ? { shard: run.shard, first: from } : {}),
      ...(stable ? { until_stable: stable } : {}),
    };
    return void console.log(
      JSON.stringify({ ...report, ...extra, tokens: run.tokens, tokens_per_second: tokensPerSecond }),
    );
  }
  const range = run.shard ? `, shard ${run.shard}: samples ${from} to ${from + samples - 1}` : "";
  console.log(`statistics of ${samples} samples (max ${maxLen} tokens, ${dtype}${range})`);
  if (stable)
    console.log(
      stable.stable
        ? `stable to ${stable.tolerance} after ${samples} samples (of at most ${run.samples})`
        : `not stable to ${stable.tolerance} within ${samples} samples`,
    );
  for (const l of layers)
    console.log(
      `layer ${l.layer}: ${l.count} tokens, trace C0 = mean ‖k‖² = ${l.trace_c0.toPrecision(6)}` +
        `${l.cached ? " (cached)" : ""}  ${l.path}`,
    );
  if (tokensPerSecond !== null)
    console.log(
      `${run.tokens} tokens in ${run.seconds.toFixed(1)} s: ${Math.round(tokensPerSecond)} tokens/s`,
    );
}

async function mergeCommand(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { out: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (parsed.values.help) return void console.log(USAGE);
  const outDir = requireString(parsed.values, "out", USAGE);
  if (parsed.positionals.length < 2) throw new UsageError(`merge needs at least two shards\n\n${USAGE}`);
  const merged = await mergeStats(parsed.positionals, outDir);
  const layers = [...merged.values()].map((m) => ({
    ...layerSummary(m.stats, m.path),
    samples: m.stats.key.samples,
    shards: m.shards,
  }));
  const corpus = [...merged.values()][0].stats.key.corpus;
  if (parsed.values.json) return void console.log(JSON.stringify({ corpus, layers }));
  for (const l of layers)
    console.log(
      `layer ${l.layer}: ${l.count} tokens from ${l.samples} samples of ${l.shards.length} shards  ${l.path}`,
    );
}
