// `locedit demo`: the project's main job on the bundled model, offline, in about a minute — the
// facts the model knows, cached covariance statistics, one batch of counterfactual edits with
// MEMIT and with MEMIT+BLUE (each from the original weights), what each edit changed on the
// rewrite, a paraphrase and a neighbour prompt, and the CounterFact table of all three models.
import { existsSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { completionSays, type PromptProbe, type RecordProbe } from "../../demo/probe.js";
import { runDemo, type DemoEvent, type DemoResult, type MethodReport } from "../../demo/run-demo.js";
import { optionalInt, parseOptions } from "../args.js";
import { progressBar, type ProgressBar } from "../progress.js";
import { packageRoot } from "../../util/package-root.js";

const USAGE = `usage: locedit demo [--model DIR] [--records FILE] [--corpus FILE] [--stats DIR]
                   [--count N] [--seed S] [--steps N] [--samples N] [--json]

  --model DIR      model folder (default: the bundled models/tiny-facts)
  --records FILE   CounterFact records to edit (default: DIR/eval/counterfact.json)
  --corpus FILE    statistics corpus, one sample a line (default: DIR/eval/corpus.txt)
  --stats DIR      statistics cache (default: .locedit/stats in the current folder)
  --count N        records edited in the batch (default 10)
  --seed S         pick the records at random with seed S (default: the first N); seeds the
                   context templates too
  --steps N        compute_z steps instead of the hyperparameter files' v_num_grad_steps
  --samples N      statistics samples (default: the files' mom2_n_samples, at most the corpus's)
  --json           print only a JSON summary

Hyperparameters: DIR/hparams/memit.json and memit-blue.json when present, else derived defaults.`;

/** The package's bundled default model, models/tiny-facts. */
export function bundledModelDir(): string {
  const dir = join(packageRoot(), "models", "tiny-facts");
  if (!existsSync(dir)) throw new Error(`the bundled model models/tiny-facts was not found at ${dir}`);
  return dir;
}

/** A path as the user would type it: relative to the current folder when inside it. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.length > 0 && !rel.startsWith("..") ? rel : path;
}

function defaultFile(flag: string, value: unknown, modelDir: string, name: string): string {
  if (typeof value === "string") return value;
  const path = join(modelDir, "eval", name);
  if (!existsSync(path)) throw new Error(`${path} does not exist: give ${flag} FILE`);
  return path;
}

export async function demoCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      records: { type: "string" },
      corpus: { type: "string" },
      stats: { type: "string" },
      count: { type: "string" },
      seed: { type: "string" },
      steps: { type: "string" },
      samples: { type: "string" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const modelDir = shown(typeof values.model === "string" ? resolve(values.model) : bundledModelDir());
  if (!existsSync(join(modelDir, "config.json")))
    throw new Error(`${modelDir}: not a model folder (no config.json)`);
  const recordsFile = defaultFile("--records", values.records, modelDir, "counterfact.json");
  const corpusFile = defaultFile("--corpus", values.corpus, modelDir, "corpus.txt");
  const statsDir = typeof values.stats === "string" ? values.stats : join(".locedit", "stats");
  const json = values.json === true;
  const printer = json ? null : new TextPrinter();
  let bar: { label: string; bar: ProgressBar } | null = null;
  const onEvent = (event: DemoEvent) => {
    if (event.kind === "progress") {
      if (bar?.label !== event.label) {
        bar?.bar.finish();
        bar = { label: event.label, bar: progressBar(event.label, { plainEveryMs: 30_000 }) };
      }
      return bar.bar.update(event.done, event.total, event.detail);
    }
    bar?.bar.finish();
    bar = null;
    printer?.event(event);
  };
  const result = await runDemo({
    modelDir,
    recordsFile,
    corpusFiles: [corpusFile],
    statsDir,
    count: optionalInt(values, "count", 10, 1),
    seed: values.seed === undefined ? undefined : optionalInt(values, "seed", 0),
    steps: values.steps === undefined ? undefined : optionalInt(values, "steps", 0, 1),
    samples: values.samples === undefined ? undefined : optionalInt(values, "samples", 0, 1),
    onEvent,
  });
  (bar as { bar: ProgressBar } | null)?.bar.finish();
  if (json) console.log(JSON.stringify(jsonSummary(result)));
  else printer?.finish(result);
}

/** Percent metrics (as evaluateCounterfact reports them) and the edit or scoring time. */
function metrics(report: MethodReport, seconds: number) {
  const { efficacy, generalization, specificity, score } = report.summary;
  return { efficacy, generalization, specificity, score, seconds };
}

export function jsonSummary(result: DemoResult) {
  const methods = Object.fromEntries(
    result.methods.map((m) => [
      m.name,
      {
        ...metrics(m, m.editSeconds),
        eval_seconds: m.evalSeconds,
        layers: m.layers,
        hparams: m.hparamsSource,
        v_num_grad_steps: m.steps,
        mom2_update_weight: m.lambda,
      },
    ]),
  );
  return {
    model: result.modelDir,
    records: result.records.length,
    case_ids: result.records.map((r) => r.case_id),
    statistics: {
      dir: result.statistics.dir,
      layers: result.statistics.layers,
      samples: result.statistics.samples,
      cached: result.statistics.computed.length === 0,
      seconds: result.statistics.seconds,
    },
    baseline: metrics(result.baseline, result.baseline.evalSeconds),
    methods,
    seconds: result.seconds,
  };
}

const fixed = (x: number | null, digits = 1) => (x === null ? "-" : x.toFixed(digits));
const clip = (text: string, width: number) => (text.length > width ? `${text.slice(0, width - 1)}…` : text);

/** The text report, printed section by section as the demo's events arrive. */
class TextPrinter {
  private count = 0;

  event(event: Exclude<DemoEvent, { kind: "progress" }>): void {
    if (event.kind === "loaded")
      console.log(
        `locedit demo: MEMIT and MEMIT+BLUE on ${event.modelDir} ` +
          `(${(event.parameters / 1e6).toFixed(2)} M parameters, loaded in ${event.seconds.toFixed(2)} s)\n`,
      );
    else if (event.kind === "facts") {
      this.count = event.records.length;
      console.log(
        `What the model knows — greedy completions of ${event.facts.length} of the ${this.count} facts to edit:`,
      );
      event.facts.forEach((probe, i) => {
        const truth = event.records[i].requested_rewrite.target_true.str;
        const mark = completionSays(probe.rewrite.completion, truth) ? "✓" : `✗ (fact: ${truth})`;
        console.log(`  ${probe.rewrite.prompt} → ${probe.rewrite.completion} ${mark}`);
      });
      console.log("");
    } else if (event.kind === "statistics") {
      const r = event.report;
      const where = r.computed.length === 0 ? "reused from the cache" : "computed and cached";
      console.log(
        `Statistics C0 = E[k kᵀ] of layer${r.layers.length > 1 ? "s" : ""} ${r.layers.join(", ")} ` +
          `over ${r.samples} corpus samples: ${where} in ${r.dir} (${r.seconds.toFixed(2)} s)` +
          (r.computed.length === 0 ? "" : "; the next run reuses them") +
          "\n",
      );
    } else if (event.kind === "scored" && event.report.name !== "unedited") {
      const m = event.report;
      console.log(
        `${m.label}: edited ${this.count} facts in ${m.editSeconds.toFixed(1)} s ` +
          `(layers ${m.layers?.join(", ")}, ${m.steps} compute_z steps, λ ${fixed(m.lambda ?? null, 0)}; ` +
          `hyperparameters: ${m.hparamsSource}), weights restored afterwards`,
      );
    }
  }

  finish(result: DemoResult): void {
    const states = [result.baseline, ...result.methods];
    console.log(
      "\nEdited facts — greedy completions (✓ the wanted answer: the new target on rewrite and paraphrase " +
        "prompts, the original one on the neighbour, another subject sharing the old answer):",
    );
    result.records.forEach((record, i) => printRecord(record, i, states));
    console.log(
      "\nCounterFact metrics on the edited records (%; efficacy and generalisation: P(new) > P(true) on rewrite",
    );
    console.log(
      "and paraphrase prompts; specificity: P(true) > P(new) on neighbourhood prompts; score: harmonic mean):",
    );
    printScores(states);
    const t = result.seconds;
    const stats = result.statistics;
    const scoring = states.reduce((a, s) => a + s.evalSeconds, 0);
    const edits = result.methods.map((m) => `${m.label} ${m.editSeconds.toFixed(1)} s`).join(", ");
    console.log(
      `\nTimings: load ${t.load.toFixed(2)} s, statistics ${stats.seconds.toFixed(2)} s ` +
        `(${stats.computed.length === 0 ? "cached" : "computed"}), ${edits}, ` +
        `scoring and probes ${scoring.toFixed(1)} s; total ${t.total.toFixed(1)} s`,
    );
  }
}

function printRecord(record: DemoResult["records"][number], index: number, states: MethodReport[]): void {
  const { subject, target_new, target_true, relation_id } = record.requested_rewrite;
  console.log(
    `\n ${String(index + 1).padStart(2)}. ${subject} (${relation_id}, case ${record.case_id}): ${target_true.str} → ${target_new.str}`,
  );
  const header = ["", "prompt", ...states.map((s) => s.label)];
  console.log(`     ${row(header)}`);
  const rows: [string, (p: RecordProbe) => PromptProbe, string][] = [
    ["rewrite", (p) => p.rewrite, target_new.str],
    ["paraphrase", (p) => p.paraphrase, target_new.str],
    ["neighbour", (p) => p.neighbour, target_true.str],
  ];
  for (const [name, get, wanted] of rows) {
    const probes = states.map((s) => get(s.probes[index]));
    const cells = probes.map(
      (p) => `${clip(p.completion, 16)} ${completionSays(p.completion, wanted) ? "✓" : "✗"}`,
    );
    console.log(`     ${row([name, probes[0].prompt, ...cells])}`);
  }
  const pNew = states.map((s) => s.probes[index].rewrite.pNew.toFixed(2));
  console.log(`     ${row(["", `P(${target_new.str}) on the rewrite prompt`, ...pNew])}`);
}

function row(cells: string[]): string {
  const [name, prompt, ...rest] = cells;
  return `${name.padEnd(10)} ${clip(prompt, 46).padEnd(46)} ${rest.map((c) => c.padEnd(18)).join(" ")}`.trimEnd();
}

function printScores(states: MethodReport[]): void {
  const head = ["method", "efficacy", "generalisation", "specificity", "score", "edit s"];
  const widths = [12, 9, 15, 12, 7, 7];
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" ");
  console.log(`  ${line(head)}`);
  for (const s of states) {
    const m = s.summary;
    const edit = s.name === "unedited" ? "-" : s.editSeconds.toFixed(1);
    console.log(
      `  ${line([s.label, fixed(m.efficacy), fixed(m.generalization), fixed(m.specificity), fixed(m.score), edit])}`,
    );
  }
}
