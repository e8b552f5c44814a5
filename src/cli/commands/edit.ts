// `locedit edit`: applies a request file to a model with ROME, MEMIT, PMET or AlphaEdit (BLUE with
// --blue), in sequential batches, and writes the edited model as a complete Hugging Face folder
// (atomically: the folder appears whole or not at all) with edit-log.json beside the weights.
import { existsSync } from "node:fs";
import type { CriticalLayersChoice } from "../../editing/editor/edit-log.js";
import { Editor, type EditProgress } from "../../editing/editor/editor.js";
import { resolveHparams } from "../../editing/hparams/resolve.js";
import { EDIT_METHODS, type EditMethod } from "../../editing/hparams/types.js";
import { readRequestsFile } from "../../editing/requests/index.js";
import type { EditRequest } from "../../editing/requests/types.js";
import type { CausalLM } from "../../models/causal-lm.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { suggestCriticalLayers, suggestionJson } from "../../trace/index.js";
import { optionalInt, parseOptions, requireString, UsageError } from "../args.js";
import { loadModelAndTokenizer } from "../load.js";
import { progressBar } from "../progress.js";

/** Requests traced for --layers auto. */
const TRACE_RECORDS = 20;

const USAGE = `usage: locedit edit --model DIR --method rome|memit|pmet|alphaedit [--blue] [--hparams FILE]
                   --requests FILE --stats DIR [--corpus FILE ...] [--samples N] --out DIR
                   [--batch-size N] [--seed S] [--dtype F32|F16|BF16] [--layers auto|L1,L2,...] [--json]

  --stats DIR      statistics folder (\`locedit stats --out DIR\`); with --corpus, missing layers are computed into it
  --batch-size N   edit the requests in consecutive batches of N on the same model (default: one batch)
  --hparams FILE   hyperparameters (default: the model's hparams/<method>[-blue].json, a shipped file for
                   gpt2-xl / gpt-j-6b / llama3-8b, or defaults derived from the architecture, printed)
  --layers auto    choose the critical layers by causal tracing (the window of highest MLP effect at the
                   subject's last token over up to ${TRACE_RECORDS} of the requests; its length is the
                   hyperparameters' window), recorded in edit-log.json; or give them, e.g. --layers 3,4,5
  --json           print edit-log.json to stdout`;

/** --layers: "auto" (causal tracing on the unedited model) or an explicit list. */
function chooseLayers(
  value: string,
  model: CausalLM,
  tokenizer: Tokenizer,
  requests: readonly EditRequest[],
  windowLength: number,
): CriticalLayersChoice {
  if (value !== "auto") {
    const layers = value.split(",").map((x) => Number(x.trim()));
    if (layers.length === 0 || layers.some((l) => !Number.isInteger(l) || l < 0 || l >= model.numLayers))
      throw new UsageError(
        `--layers must be "auto" or layer indices 0 … ${model.numLayers - 1} separated by commas, got '${value}'`,
      );
    return { layers, source: "--layers" };
  }
  const bar = progressBar("tracing", { plainEveryMs: 30_000 });
  const facts = requests.slice(0, TRACE_RECORDS).map((r) => ({ prompt: r.prompt, subject: r.subject }));
  const suggestion = suggestCriticalLayers(model, tokenizer, facts, {
    windowLength,
    onProgress: (p) => bar.update(p.done, p.total, p.stage),
  });
  bar.finish();
  return {
    layers: suggestion.layers,
    source: "causal tracing (--layers auto)",
    evidence: suggestionJson(suggestion),
  };
}

function describeProgress(bar: ReturnType<typeof progressBar>, e: EditProgress): void {
  if (e.stage === "z") bar.update(e.step ?? 0, e.total ?? 0, `compute_z at layer ${e.layer}`);
  else if (e.stage === "statistics") bar.update(e.step ?? 0, e.total ?? 0, "statistics");
  else if (e.stage === "layer") bar.update(e.step ?? 0, e.total ?? 0, `update layer ${e.layer}`);
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
      layers: { type: "string" },
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
  if (existsSync(outDir)) throw new UsageError(`--out ${outDir} already exists; choose a new folder`);
  const requests = readRequestsFile(requestsFile);
  const batchSize = optionalInt(values, "batch-size", requests.length, 1);
  const corpus = (values.corpus as string[] | undefined) ?? [];
  const started = performance.now();
  const { model, tokenizer } = await loadModelAndTokenizer(modelDir);
  const blue = values.blue === true ? true : undefined;
  let layers: CriticalLayersChoice | undefined;
  if (values.layers !== undefined) {
    const h = resolveHparams({
      method,
      blue,
      hparamsFile: values.hparams as string | undefined,
      modelDir,
      config: model.config,
    }).hparams;
    layers = chooseLayers(
      values.layers as string,
      model,
      tokenizer,
      requests,
      h.layers[h.layers.length - 1] - h.layers[0] + 1,
    );
    if (!values.json)
      console.error(
        `critical layers ${layers.layers.join(", ")} (${layers.source}` +
          (blue || h.blue
            ? `; BLUE updates ${layers.layers[0]} and ${layers.layers[layers.layers.length - 1]})`
            : ")"),
      );
  }
  const bar = progressBar("editing");
  const editor = Editor.fromModel(model, tokenizer, modelDir, {
    method,
    blue,
    hparams: values.hparams as string | undefined,
    ...(layers ? { layers } : {}),
    stats: {
      dir: statsDir,
      ...(corpus.length > 0 ? { corpus, samples: optionalInt(values, "samples", 10000, 1) } : {}),
    },
    seed: optionalInt(values, "seed", 0),
    onProgress: (e) => describeProgress(bar, e),
  });
  for (let start = 0; start < requests.length; start += batchSize) {
    const log = await editor.edit(requests.slice(start, start + batchSize));
    bar.finish();
    if (log.batch === 1 && editor.resolved.source === "derived" && !values.json)
      console.error(
        `hyperparameters derived for this model (recorded in edit-log.json):\n${describeDerived(editor)}`,
      );
    if (!values.json) console.error(summaryLine(log));
  }
  editor.save(outDir, { dtype: dtype as "F32" | "F16" | "BF16" });
  const log = editor.editLog();
  if (values.json) console.log(JSON.stringify(log, null, 2));
  else
    console.log(
      `wrote ${outDir} (${method}${editor.hparams.blue && method !== "rome" ? "+BLUE" : ""}, ${log.requests} requests ` +
        `in ${log.batches.length} batch(es), ${((performance.now() - started) / 1000).toFixed(1)} s)`,
    );
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

function summaryLine(log: import("../../editing/editor/edit-log.js").EditLog): string {
  const losses = log.requests.map((r) => r.z[r.z.length - 1]);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return (
    `batch ${log.batch}: ${log.requests.length} requests, layers ${log.layers.join(",")}, ` +
    `‖ΔW‖ ${log.deltas.map((d) => d.delta_norm.toFixed(2)).join("/")}, ` +
    `z loss ${mean(losses.map((z) => z.loss_before)).toFixed(2)} → ${mean(losses.map((z) => z.loss_after)).toFixed(3)}, ` +
    `${log.timings_s.total.toFixed(1)} s (z ${log.timings_s.z.toFixed(1)}, keys ${log.timings_s.keys.toFixed(1)}, ` +
    `solve ${log.timings_s.solve.toFixed(1)})`
  );
}
