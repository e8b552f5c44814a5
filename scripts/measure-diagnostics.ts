// Measures what `locedit diagnose` and `locedit trace` cost on a GPT-2-124M-shaped model (random
// weights, as the benchmark's editing rows: bench/model.ts, LayerNorms at 1/0; the GPT-2 tokenizer
// of test/fixtures; C0 from 16 × 128 random tokens): each analysis's seconds from diagnose.json's
// timings, and the trace of one prompt (three kinds) and of records (MLP only, the suggestion).
// Random weights never reach compute_z's early stop, so every request takes all its steps.
//   node dist/scripts/measure-diagnostics.js [--count N] [--steps S] [--layers 3,4,5,6,7,8] [--trace-records N]
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { GPT2_124M, randomModel } from "../bench/model.js";
import { readCounterfactFile } from "../src/data/counterfact/parse.js";
import { runDiagnostics } from "../src/diagnostics/index.js";
import { makeBatch } from "../src/runtime/batch.js";
import { accumulateSecondMoments, secondMoment } from "../src/stats/index.js";
import type { StatsBatch } from "../src/stats/batches.js";
import { loadTokenizer } from "../src/tokenizers/load-tokenizer.js";
import { defaultWindow, traceFact, traceRecords } from "../src/trace/index.js";
import { createRng } from "../src/util/random.js";
import { packageRoot } from "../src/util/package-root.js";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "10" },
    steps: { type: "string", default: "20" },
    layers: { type: "string", default: "3,4,5,6,7,8" },
    "trace-records": { type: "string", default: "10" },
  },
});
const count = Number(values.count);
const steps = Number(values.steps);
const layers = values.layers!.split(",").map(Number);
const traceCount = Number(values["trace-records"]);

const root = packageRoot();
const model = randomModel(GPT2_124M);
for (const name of model.params.keys()) if (/ln_[12f]\.weight$/.test(name)) model.param(name).fill(1);
for (const name of model.params.keys()) if (/ln_[12f]\.bias$/.test(name)) model.param(name).fill(0);
const tokenizer = await loadTokenizer(join(root, "test", "fixtures", "tokenizers", "gpt2"));
const records = readCounterfactFile(join(root, "models", "tiny-facts", "eval", "counterfact.json"));

const rng = createRng(8);
const statsRows = Array.from({ length: 16 }, () =>
  Array.from({ length: 128 }, () => rng.int(GPT2_124M.vocabSize)),
);
const statsBatches: StatsBatch[] = [0, 8].map((i) => ({
  batch: makeBatch(statsRows.slice(i, i + 8)),
  rows: [],
  tokens: 8 * 128,
  cursor: { window: 0, batch: 0, ordinal: 0, samplesDone: 0 },
}));
const moments = accumulateSecondMoments(model, statsBatches, layers);
const covariance = (layer: number) => {
  const m = moments.get(layer)!;
  const key = { model: "", layer, corpus: "", samples: 0, maxLen: 0, dtype: "float32" as const };
  return secondMoment({ layer, dim: m.dim, count: m.count, sum: m.sum, key });
};
const covariances = new Map(layers.map((l) => [l, covariance(l)]));

const work = mkdtempSync(join(tmpdir(), "locedit-measure-"));
const hparamsFile = join(work, "memit.json");
writeFileSync(
  hparamsFile,
  JSON.stringify({
    layers,
    v_num_grad_steps: steps,
    v_lr: 0.5,
    v_loss_layer: 11,
    v_weight_decay: 0.5,
    clamp_norm_factor: 0.75,
    kl_factor: 0.0625,
    mom2_adjustment: true,
    mom2_update_weight: 15000,
  }),
);
const templates = [
  ["{}"],
  [
    "The first two weeks of this year have seen a. {}",
    "Therefore, if a person who has been given a. {}",
    "Because of the high cost of housing, it is. {}",
    "I don't have to worry about that, because. {}",
    "You're not alone, you're not alone,. {}",
  ],
];
const load = () => loadavg()[0].toFixed(1);
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const loadAtStart = load();
console.error(`GPT-2-124M shape, ${cpus().length} CPUs, load average ${loadAtStart} at start`);
try {
  const t = performance.now();
  const report = await runDiagnostics(model, tokenizer, work, records, {
    method: "memit",
    count,
    heldOut: count,
    sequenceBatch: Math.max(1, Math.floor(count / 2)),
    hparams: hparamsFile,
    stats: (layer) => covariances.get(layer)!,
    contextTemplates: templates,
    onProgress: (e) => process.stderr.write(`\r${e.stage} ${e.done ?? ""}/${e.total ?? ""}\x1b[K`),
  });
  process.stderr.write("\n");
  const loadAfterDiagnose = load();
  const trace1 = performance.now();
  const cpu1 = cpuSeconds();
  const fact = records[0].requested_rewrite;
  traceFact(model, tokenizer, { prompt: fact.prompt, subject: fact.subject });
  const traceOne = (performance.now() - trace1) / 1000;
  const traceOneCpu = cpuSeconds() - cpu1;
  const loadAfterTrace = load();
  const trace2 = performance.now();
  const cpu2 = cpuSeconds();
  traceRecords(
    model,
    tokenizer,
    records.slice(0, traceCount).map((r) => r.requested_rewrite),
    { kinds: ["mlp"] },
  );
  const traceMany = (performance.now() - trace2) / 1000;
  const traceManyCpu = cpuSeconds() - cpu2;
  const result = {
    shape: "gpt2-124M (random weights)",
    cpus: cpus().length,
    load_average: {
      start: loadAtStart,
      after_diagnose: loadAfterDiagnose,
      after_trace: loadAfterTrace,
      end: load(),
    },
    diagnose: {
      records: count,
      held_out: count,
      layers,
      compute_z_steps: steps,
      templates: 6,
      sequence_batch: Math.max(1, Math.floor(count / 2)),
      timings_s: report.timings_s,
      cpu_s: report.cpu_s,
      wall_s: (performance.now() - t) / 1000 - traceOne - traceMany,
    },
    trace_one_prompt: {
      tokens: tokenizer.encode(`${fact.prompt.replace("{}", fact.subject)}`).length,
      kinds: 3,
      samples: 10,
      window: defaultWindow(12),
      seconds: traceOne,
      cpu_s: traceOneCpu,
    },
    trace_records_mlp: { records: traceCount, samples: 10, seconds: traceMany, cpu_s: traceManyCpu },
  };
  console.log(JSON.stringify(result, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
}
