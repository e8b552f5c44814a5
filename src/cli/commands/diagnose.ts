// `locedit diagnose`: the BLUE paper's weight-shift analyses (Li et al., arXiv 2502.03748, §3) of
// MEMIT, PMET or AlphaEdit on a model and CounterFact records; writes DIR/diagnose.json (every
// number) and DIR/diagnose.html (every analysis as a chart).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { readCounterfactFile } from "../../data/counterfact/parse.js";
import {
  DIAGNOSED_METHODS,
  renderDiagnoseHtml,
  runDiagnostics,
  type DiagnosedMethod,
  type DiagnoseReport,
} from "../../diagnostics/index.js";
import { writeFileAtomic } from "../../io/atomic.js";
import { optionalInt, parseOptions, requireString, UsageError } from "../args.js";
import { loadModelAndTokenizer } from "../load.js";
import { progressBar } from "../progress.js";

const USAGE = `usage: locedit diagnose --model DIR --method memit|pmet|alphaedit --records FILE [--count N]
                       [--hparams FILE] [--stats DIR] [--corpus FILE ... --samples N] --out DIR [--json]

  --records FILE       CounterFact records (paraphrases are scored for generalisation)
  --count N            records edited (default 100, at most all but one); the next ones are held out
  --held-out N         records never edited, for the hidden-state shift (default: as many as --count)
  --sequence-batch N   batch size of the sequential edits (default 10, or half of --count below 20)
  --hparams FILE       hyperparameters (default: the model's own hparams/<method>.json, a shipped file,
                       or derived defaults); their critical layers are analysed
  --stats DIR          statistics folder (default .locedit/stats); with --corpus, missing layers are computed
  --steps N            compute_z steps (overrides v_num_grad_steps)
  --seed S             seed of the context templates (default 0)
  --out DIR            writes DIR/diagnose.json and DIR/diagnose.html
  --json               print diagnose.json`;

function row(label: string, values: readonly (number | null)[], digits = 3): string {
  // a column is 10 wide with at least one space before it, so wide numbers never run together
  const cell = (v: number | null) => ` ${(v === null ? "–" : v.toFixed(digits)).padStart(9)}`;
  return `  ${label.padEnd(34)}${values.map(cell).join("")}`;
}

function printSummary(r: DiagnoseReport): void {
  const layers = `  ${"layer".padEnd(34)}${r.layers.map((l) => ` ${String(l).padStart(9)}`).join("")}`;
  const c = r.contribution;
  const a = r.delta_alignment;
  const s = r.single_layer;
  const w = r.weight_shift;
  console.log(
    `${r.method} on ${r.model}: critical layers ${r.layers.join(", ")}, ${r.records} records edited`,
  );
  console.log("(a) contribution: mean p(target_new) with δ at layer l");
  console.log(layers);
  console.log(
    row(
      `no δ (${c.none.mean.toFixed(3)})`,
      c.layers.map(() => c.none.mean),
    ),
  );
  console.log(row("δ^L distributed", c.distributed.mean));
  console.log(row("δ computed at l", c.computed.mean));
  console.log("(b) δ alignment");
  console.log(row("cos(δ^L·share, δ^l)", a.cos.mean));
  console.log(row("‖δ^l − δ^L‖", a.distance.mean));
  console.log("(c) single-layer editing (percent)");
  console.log(row("efficacy, computed residual", s.computed.efficacy, 1));
  console.log(row("efficacy, distributed residual", s.distributed.efficacy, 1));
  console.log(row("generalisation, computed", s.computed.generalization, 1));
  console.log(row("generalisation, distributed", s.distributed.generalization, 1));
  console.log(`(d) weight shift error ‖E^l‖_F (batch of ${w.by_distance.batch_size})`);
  console.log(row("‖E^l‖_F", w.by_distance.error_norm));
  console.log(row("‖R^l − R^L‖_F", w.by_distance.residual_gap));
  console.log(row("(L − l)‖R^L‖_F", w.by_distance.distance_term));
  console.log(row("‖Q‖₂", w.by_distance.q_norm, 4));
  for (const t of w.by_batch_size.terms) console.log(row(`‖E^l‖_F, batch of ${t.batch_size}`, t.error_norm));
  const seq = w.by_sequence;
  console.log(
    row(
      `cumulative, ${seq.batches} batches of ${seq.batch_size}`,
      seq.cumulative_error_norm[seq.batches - 1],
    ),
  );
  const h = r.hidden_shift;
  const shift = (x: typeof h.method) =>
    `${x.unedited_records.relative_shift.mean.toFixed(4)} (edited records ${x.edited_records.relative_shift.mean.toFixed(4)})`;
  console.log(`(e) relative shift of h^${h.layer} on ${h.held_out} records not edited`);
  console.log(`  ${r.method}: ${shift(h.method)}`);
  if (h.blue) console.log(`  ${r.method}+BLUE: ${shift(h.blue)}`);
}

export async function diagnoseCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      method: { type: "string" },
      records: { type: "string" },
      count: { type: "string" },
      "held-out": { type: "string" },
      "sequence-batch": { type: "string" },
      hparams: { type: "string" },
      stats: { type: "string" },
      corpus: { type: "string", multiple: true },
      samples: { type: "string" },
      steps: { type: "string" },
      seed: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const modelDir = requireString(values, "model", USAGE);
  const method = requireString(values, "method", USAGE) as DiagnosedMethod;
  if (!DIAGNOSED_METHODS.includes(method))
    throw new UsageError(`--method must be one of ${DIAGNOSED_METHODS.join(", ")}, got '${method}'`);
  const recordsFile = requireString(values, "records", USAGE);
  const out = requireString(values, "out", USAGE);
  const records = readCounterfactFile(recordsFile);
  if (records.length < 2)
    throw new UsageError(`--records ${recordsFile}: diagnose needs at least 2 records (edited and held out)`);
  const count = optionalInt(values, "count", Math.min(100, records.length - 1), 1);
  if (count >= records.length)
    throw new UsageError(
      `--count ${count} leaves no record of ${recordsFile} (${records.length}) unedited: at most ${records.length - 1}`,
    );
  const corpus = (values.corpus as string[] | undefined) ?? [];
  if (values.samples !== undefined && corpus.length === 0) throw new UsageError("--samples needs --corpus");
  const { model, tokenizer } = await loadModelAndTokenizer(modelDir);
  const bar = progressBar("diagnosing", { plainEveryMs: 30_000 });
  const report = await runDiagnostics(model, tokenizer, modelDir, records, {
    method,
    count,
    ...(values["held-out"] === undefined ? {} : { heldOut: optionalInt(values, "held-out", count, 1) }),
    ...(values["sequence-batch"] === undefined
      ? {}
      : { sequenceBatch: optionalInt(values, "sequence-batch", 10, 1) }),
    ...(values.hparams === undefined ? {} : { hparams: values.hparams as string }),
    ...(values.steps === undefined
      ? {}
      : { overrides: { v_num_grad_steps: optionalInt(values, "steps", 1, 1) } }),
    stats: {
      dir: (values.stats as string | undefined) ?? ".locedit/stats",
      ...(corpus.length > 0 ? { corpus, samples: optionalInt(values, "samples", 10000, 1) } : {}),
    },
    seed: optionalInt(values, "seed", 0),
    onProgress: (e) => bar.update(e.done ?? 0, e.total ?? 0, e.stage),
  });
  bar.finish();
  mkdirSync(out, { recursive: true });
  const json = JSON.stringify(report, null, 2) + "\n";
  writeFileAtomic(join(out, "diagnose.json"), json);
  writeFileAtomic(join(out, "diagnose.html"), await renderDiagnoseHtml(report));
  if (values.json) console.log(json.trimEnd());
  else {
    printSummary(report);
    console.log(
      `wrote ${join(out, "diagnose.json")} and diagnose.html (${report.timings_s.total.toFixed(1)} s)`,
    );
  }
}
