// `locedit edit`: applies a request file to a model with ROME, MEMIT, PMET or AlphaEdit (BLUE with
// --blue), in sequential batches, and writes the edited model as a complete Hugging Face folder
// (atomically: the folder appears whole or not at all, and never over another folder) with
// edit-log.json beside the weights. Before anything is computed, --out's parent is checked to be
// writable with room for the model. After each batch, every request is scored before and after
// (a per-fact table); a request that did not take is a warning, or with --strict an error.
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { EditLog } from "../../editing/editor/edit-log.js";
import { Editor, type EditProgress } from "../../editing/editor/editor.js";
import { EditNotTakenError, notTakenSummary } from "../../editing/editor/outcome.js";
import { CARRIED_FOLDERS } from "../../editing/editor/save-target.js";
import { EDIT_METHODS, type EditMethod } from "../../editing/hparams/types.js";
import { readRequestsFile } from "../../editing/requests/index.js";
import type { EditRequest } from "../../editing/requests/types.js";
import { checkOutputFolder } from "../../io/output-check.js";
import { removeStaleStaging } from "../../io/staging.js";
import { optionalInt, parseOptions, requireString, UsageError } from "../args.js";
import { savedModelBytes } from "../output-size.js";
import { LONG_COMMAND, progressBar } from "../progress.js";
import { factTable } from "./edit-table.js";

const USAGE = `usage: locedit edit --model DIR --method rome|memit|pmet|alphaedit [--blue] [--hparams FILE]
                   --requests FILE --stats DIR [--corpus FILE ...] [--samples N] --out DIR
                   [--batch-size N] [--seed S] [--dtype F32|F16|BF16] [--strict] [--json]

  --stats DIR      statistics folder (\`locedit stats --out DIR\`); with --corpus, missing layers are computed into it
  --samples N      corpus samples for missing statistics (default 10000, or all the corpus has when fewer)
  --batch-size N   edit the requests in consecutive batches of N on the same model (default: one batch)
  --hparams FILE   hyperparameters (default: the model's hparams/<method>[-blue].json, a shipped file for
                   gpt2-xl / gpt-j-6b / llama3-8b, or defaults derived from the architecture, printed)
  --strict         a request whose edit did not take (new target not above the old, ΔW ≈ 0) is an
                   error and nothing is written (default: a warning naming it)
  --json           print edit-log.json to stdout`;

const STAGES: Record<EditProgress["stage"], string> = {
  load: "loading the model",
  statistics: "statistics",
  templates: "context templates",
  z: "compute_z",
  layer: "update",
  apply: "apply",
  score: "scoring the requests",
};

function describeProgress(bar: ReturnType<typeof progressBar>, e: EditProgress): void {
  const stage =
    e.layer === undefined || e.stage === "statistics"
      ? STAGES[e.stage]
      : `${STAGES[e.stage]} at layer ${e.layer}`;
  bar.update(e.step ?? 0, e.total ?? 0, stage, stage);
}

export async function editCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      method: { type: "string" },
      blue: { type: "boolean" },
      hparams: { type: "string" },
      requests: { type: "string" },
      stats: { type: "string" },
      corpus: { type: "string", multiple: true },
      samples: { type: "string" },
      out: { type: "string" },
      "batch-size": { type: "string" },
      seed: { type: "string" },
      dtype: { type: "string" },
      strict: { type: "boolean" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const modelDir = requireString(values, "model", USAGE);
  const method = requireString(values, "method", USAGE) as EditMethod;
  if (!EDIT_METHODS.includes(method))
    throw new UsageError(`--method must be one of ${EDIT_METHODS.join(", ")}, got '${method}'`);
  if (values.blue && method === "rome")
    throw new UsageError("--blue applies to memit, pmet and alphaedit, not rome");
  const requestsFile = requireString(values, "requests", USAGE);
  const statsDir = requireString(values, "stats", USAGE);
  const outDir = requireString(values, "out", USAGE);
  const dtype = (values.dtype as string | undefined) ?? "F32";
  if (!["F32", "F16", "BF16"].includes(dtype))
    throw new UsageError(`--dtype must be F32, F16 or BF16, got '${dtype}'`);
  const note = (message: string) => console.error(`note: ${message}`);
  for (const notice of removeStaleStaging(dirname(resolve(outDir)))) note(notice);
  if (existsSync(outDir)) throw new UsageError(`--out ${outDir} already exists; choose a new folder`);
  const requests = readRequestsFile(requestsFile);
  const batchSize = optionalInt(values, "batch-size", requests.length, 1);
  const corpus = (values.corpus as string[] | undefined) ?? [];
  const samples = values.samples === undefined ? undefined : optionalInt(values, "samples", 0, 1);
  checkOutputFolder(outDir, {
    bytes: savedModelBytes(modelDir, dtype as "F32", CARRIED_FOLDERS),
    what: `the edited model (${dtype})`,
  });
  const bar = progressBar("edit", LONG_COMMAND);
  const started = performance.now();
  const editor = await Editor.fromPretrained(modelDir, {
    method,
    blue: values.blue === true ? true : undefined,
    hparams: values.hparams as string | undefined,
    stats: { dir: statsDir, ...(corpus.length > 0 ? { corpus, samples } : {}) },
    seed: optionalInt(values, "seed", 0),
    strict: values.strict === true,
    onProgress: (e) => describeProgress(bar, e),
    onNotice: note,
  });
  for (let start = 0; start < requests.length; start += batchSize) {
    const batch = requests.slice(start, start + batchSize);
    let log: EditLog;
    try {
      log = await editor.edit(batch);
    } catch (error) {
      if (error instanceof EditNotTakenError)
        throw new Error(
          `${error.message.replace(/; the batch was undone \(strict\)$/, "")}; --strict: nothing was written`,
          { cause: error },
        );
      throw error;
    } finally {
      bar.finish();
    }
    if (log.batch === 1 && editor.resolved.source === "derived" && !values.json)
      console.error(
        `hyperparameters derived for this model (recorded in edit-log.json):\n${describeDerived(editor)}`,
      );
    if (!values.json) console.error(summaryLine(log));
    if (!values.json) console.error(factTable(batch, log));
    warnNotTaken(log, batch);
  }
  editor.save(outDir, { dtype: dtype as "F32" | "F16" | "BF16", onNotice: note });
  const log = editor.editLog();
  if (values.json) console.log(JSON.stringify(log, null, 2));
  else
    console.log(
      `wrote ${outDir} (${method}${editor.hparams.blue && method !== "rome" ? "+BLUE" : ""}, ${log.requests} requests ` +
        `in ${log.batches.length} batch(es), ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
}

function warnNotTaken(log: EditLog, batch: readonly EditRequest[]): void {
  const summary = notTakenSummary(
    log.batch,
    batch,
    log.requests.map((r) => r.outcome),
    "\n  ",
  );
  if (summary) console.error(`warning: ${summary.replace(": request", ":\n  request")}`);
}

function describeDerived(editor: Editor): string {
  const d = editor.resolved.derivation ?? {};
  const h = editor.hparams as unknown as Record<string, unknown>;
  return [
    "layers",
    "mom2_update_weight",
    "clamp_norm_factor",
    "v_num_grad_steps",
    "v_lr",
    "v_loss_layer",
    "L2",
  ]
    .filter((k) => !/not used/.test(d[k] ?? ""))
    .map((k) => `  ${k} = ${JSON.stringify(h[k])}: ${d[k] ?? "published default"}`)
    .join("\n");
}

function summaryLine(log: EditLog): string {
  const losses = log.requests.map((r) => r.z[r.z.length - 1]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return (
    `batch ${log.batch}: ${log.requests.length} requests, layers ${log.layers.join(",")}, ` +
    `‖ΔW‖ ${log.deltas.map((d) => d.delta_norm.toFixed(2)).join("/")}, ` +
    `z loss ${mean(losses.map((z) => z.loss_before)).toFixed(2)} → ${mean(losses.map((z) => z.loss_after)).toFixed(3)}, ` +
    `${log.timings_s.total.toFixed(1)} s (z ${log.timings_s.z.toFixed(1)}, keys ${log.timings_s.keys.toFixed(1)}, ` +
    `solve ${log.timings_s.solve.toFixed(1)}, scoring ${log.timings_s.score.toFixed(1)})`
  );
}
