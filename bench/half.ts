// Weights kept in their stored 16-bit dtype (issue 12 §1), three groups of rows:
//  - cost: the forward of a random Llama-shaped model (d 1024, d_ff 2816, 4 layers, GQA 16/4,
//    vocabulary 32000) with BF16 and with F16 weights against the same values widened to float32,
//    the baseline being the float32 forward at the same shape, the two timed alternately: a 1×128
//    prefill (logits at the last position) and one KV-cache decoding step (memory-bound: the 16-bit
//    weights are half the bytes to read);
//  - loading: the peak RSS increase of a child process loading that model's BF16 checkpoint,
//    against the checkpoint's size (bench/load-child.ts);
//  - real sizes: the peak RSS figures of scripts/measure-peak-memory.ts (GPT2-XL, GPT-J-6B,
//    Llama3-8B random checkpoints of 6–16 GB), read from bench/results/peak-memory.json, not rerun
//    here (each needs its checkpoint written and minutes of a whole machine); the row says when and
//    at which load they were measured. Baseline: the target for each.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { float32BitsToBfloat16Bits, float32BitsToFloat16Bits, type HalfDtype } from "../src/io/dtypes.js";
import { architectureFor } from "../src/models/architecture.js";
import { CausalLM } from "../src/models/causal-lm.js";
import { parseModelConfig } from "../src/models/hf-config.js";
import { HalfTensor, type Weight } from "../src/models/layers/weight.js";
import { sizeOf } from "../src/models/param-spec.js";
import { initKind } from "../src/models/random-weights.js";
import { saveModel } from "../src/models/save.js";
import { native } from "../src/native/binding.js";
import { packageRoot } from "../src/util/package-root.js";
import { createRng } from "../src/util/random.js";
import { fillNormalFast, randomBatch } from "./model.js";
import type { BenchContext } from "./options.js";
import { makeRow, type Row } from "./report.js";
import { median, now } from "./timing.js";
import type { PeakRecord } from "../scripts/measure-peak-memory.js";

const SHAPE = parseModelConfig(
  {
    model_type: "llama",
    vocab_size: 32000,
    hidden_size: 1024,
    intermediate_size: 2816,
    num_hidden_layers: 4,
    num_attention_heads: 16,
    num_key_value_heads: 4,
    max_position_embeddings: 4096,
    rms_norm_eps: 1e-5,
    tie_word_embeddings: false,
  },
  "bench llama d1024",
);
const T = 128;
const NAMES = {
  prefill: (dtype: string) => `forward ${dtype} weights, llama d1024 x4 1x128 (vs f32)`,
  decode: (dtype: string) => `decode step ${dtype} weights, llama d1024 x4 (vs f32)`,
  load: "load BF16 checkpoint memory (llama d1024 x4)",
  real: (r: PeakRecord) => `peak RSS ${r.shape} ${r.dtype} ${r.command}`,
};
const RESULTS = join(packageRoot(), "bench", "results", "peak-memory.json");

function narrowed(values: Float32Array, dtype: HalfDtype): HalfTensor {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const to16 = dtype === "BF16" ? float32BitsToBfloat16Bits : float32BitsToFloat16Bits;
  return new HalfTensor(
    dtype,
    Uint16Array.from(bits, (b) => to16(b)),
  );
}

/** Random 16-bit parameters for SHAPE (norm weights 1, matrices N(0, 0.02²)) and the same values widened. */
function models(dtype: HalfDtype): { half: CausalLM; wide: CausalLM } {
  const rng = createRng(77);
  const half = new Map<string, Weight>();
  const wide = new Map<string, Weight>();
  for (const spec of architectureFor(SHAPE).specs) {
    if (spec.tiedTo) continue;
    const values = new Float32Array(sizeOf(spec.shape));
    const kind = initKind(spec.name);
    if (kind === "ones") values.fill(1);
    else if (kind === "random") fillNormalFast(values, 0.02, rng);
    const h = narrowed(values, dtype);
    half.set(spec.name, h);
    wide.set(spec.name, h.toFloat32());
  }
  return { half: new CausalLM(SHAPE, half), wide: new CausalLM(SHAPE, wide) };
}

/**
 * Median seconds of a 1×T prefill (last-position logits) and of one decoding step after it, for
 * each model, the two models' runs interleaved so that a change of machine load hits both alike.
 */
function timeForwards(models: CausalLM[], ctx: BenchContext): { prefill: number; decode: number }[] {
  const batch = randomBatch(1, T, SHAPE.vocabSize, 3);
  const { warmup, reps } = ctx.modelReps;
  const prefill = models.map(() => [] as number[]);
  const decode = models.map(() => [] as number[]);
  const caches = models.map((model) => {
    const cache = model.newKVCache(1, T + warmup + 4 * reps + 1);
    model.forwardIncremental({ B: 1, T, ids: batch.ids }, cache, { logits: "none" });
    return cache;
  });
  for (let i = 0; i < warmup + 4 * reps; i++)
    models.forEach((model, m) => {
      let start = now();
      model.forwardIncremental({ B: 1, T: 1, ids: Int32Array.of(7 + i) }, caches[m]);
      if (i >= warmup) decode[m].push(now() - start);
      if (i % 4 !== 0) return;
      start = now();
      model.forward(batch, { logits: [{ row: 0, position: T - 1 }] });
      if (i >= warmup) prefill[m].push(now() - start);
    });
  return models.map((_, m) => ({ prefill: median(prefill[m]), decode: median(decode[m]) }));
}

export function halfRows(ctx: BenchContext): Row[] {
  return [...costRows(ctx), ...loadRows(ctx), ...realRows(ctx)];
}

function costRows(ctx: BenchContext): Row[] {
  const rows: Row[] = [];
  const { f16Path, bf16Path } = native.halfFeatures();
  for (const dtype of ["BF16", "F16"] as const) {
    const [prefillName, decodeName] = [NAMES.prefill(dtype), NAMES.decode(dtype)];
    if (!ctx.selected(prefillName) && !ctx.selected(decodeName)) continue;
    ctx.log(`  ${dtype} weights: building the model and its float32 twin`);
    const { half, wide } = models(dtype);
    const [ours, base] = timeForwards([half, wide], ctx);
    const note =
      `same weights widened to float32 as the baseline, same run and threads; widening path ${dtype === "F16" ? f16Path : bf16Path} ` +
      `(native.halfFeatures); weights ${(half.parameterBytes() / 1e6).toFixed(0)} MB vs ${(wide.parameterBytes() / 1e6).toFixed(0)} MB`;
    if (ctx.selected(prefillName))
      rows.push(makeRow(prefillName, ours.prefill, base.prefill, "s", "lower", note));
    if (ctx.selected(decodeName))
      rows.push(makeRow(decodeName, ours.decode, base.decode, "s", "lower", note));
  }
  return rows;
}

interface ChildReport {
  rssBefore: number;
  peakRss: number;
  method: string;
  seconds: number;
}

function loadRows(ctx: BenchContext): Row[] {
  if (!ctx.selected(NAMES.load)) return [];
  const dir = mkdtempSync(join(tmpdir(), "locedit-bench-half-"));
  try {
    saveModel(models("BF16").half, join(dir, "model"), { dtype: "BF16" });
    const fileBytes = statSync(join(dir, "model", "model.safetensors")).size;
    const child = fileURLToPath(new URL("./load-child.js", import.meta.url));
    const result = spawnSync(process.execPath, [child, join(dir, "model")], {
      encoding: "utf8",
      timeout: 120_000,
    });
    if (result.status !== 0)
      throw new Error(`bench: load child exited with ${result.status}: ${result.stderr.trim()}`);
    const report = JSON.parse(result.stdout.trim().split("\n").pop() as string) as ChildReport;
    const extra = report.peakRss - report.rssBefore;
    return [
      makeRow(
        NAMES.load,
        extra / 1e6,
        fileBytes / 1e6,
        "MB",
        "lower",
        `peak RSS increase of a child process during loadModel of a ${(fileBytes / 1e6).toFixed(0)} MB BF16 checkpoint ` +
          `(${report.method}, ${report.seconds.toFixed(2)} s); baseline = the file's size (tensors kept as stored)`,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function realRows(ctx: BenchContext): Row[] {
  if (!existsSync(RESULTS)) return [];
  const records = JSON.parse(readFileSync(RESULTS, "utf8")) as PeakRecord[];
  return records
    .filter((r) => ctx.selected(NAMES.real(r)))
    .map((r) => {
      const target = /× file/.test(r.target)
        ? Number(/([\d.]+) ×/.exec(r.target)![1]) * r.file_bytes
        : Number(/([\d.]+) GB/.exec(r.target)![1]) * 1e9;
      return makeRow(
        NAMES.real(r),
        r.peak_rss_bytes / 1e9,
        target / 1e9,
        "GB",
        "lower",
        `measured ${r.date.slice(0, 10)} by scripts/measure-peak-memory.ts (not rerun by npm run bench: a ` +
          `${(r.file_bytes / 1e9).toFixed(1)} GB random checkpoint), load average ${r.load_average.toFixed(1)}, ` +
          `${r.seconds.toFixed(0)} s; peak = ${r.ratio.toFixed(2)} × the checkpoint; baseline = the target ${r.target}; ${r.notes}`,
      );
    });
}
