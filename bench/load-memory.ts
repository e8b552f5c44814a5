// "load checkpoint memory" row: writes a random GPT-2-shaped checkpoint (6 layers, d 768, the
// real 50257-token vocabulary; float32 safetensors + an HF config.json) to a temporary folder,
// loads it with loadModel in a child process (bench/load-child.ts) and reports the child's peak
// RSS increase during the load (median of 3 children, 1 with --quick). There is no PyTorch run:
// the baseline is the float32 size of the parameters, the least any float32 loader must hold
// (ratio = float32 bytes / our peak extra).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeCheckpoint } from "../src/io/checkpoint-write.js";
import type { TensorsToWrite } from "../src/io/safetensors-write.js";
import { architectureFor } from "../src/models/architecture.js";
import type { Gpt2Config } from "../src/models/config.js";
import { sizeOf } from "../src/models/param-spec.js";
import { createRng } from "../src/util/random.js";
import { fillNormalFast, GPT2_124M } from "./model.js";
import type { BenchContext } from "./options.js";
import { makeRow, type Row } from "./report.js";

export const LOAD_ROW_NAME = "load checkpoint memory";
const CONFIG: Gpt2Config = { ...GPT2_124M, numLayers: 6 };
const MB = 1024 * 1024;

interface ChildReport {
  rssBefore: number;
  peakRss: number;
  /** how the child measured its peak: VmHWM (Linux) or ru_maxrss */
  method: string;
  rssAfter: number;
  parameterBytes: number;
  seconds: number;
}

/** Writes the checkpoint in the HF file layout (Conv1D weights stored [in, out]); returns float32 bytes. */
function writeRandomCheckpoint(dir: string): number {
  const rng = createRng(11);
  const tensors: TensorsToWrite = {};
  let bytes = 0;
  for (const spec of architectureFor(CONFIG).specs) {
    if (spec.tiedTo) continue;
    const shape = spec.conv1d ? [spec.shape[1], spec.shape[0]] : spec.shape;
    tensors[spec.name] = {
      dtype: "F32",
      shape,
      data: fillNormalFast(new Float32Array(sizeOf(shape)), 0.02, rng),
    };
    bytes += sizeOf(shape) * 4;
  }
  writeCheckpoint(dir, tensors);
  const config = {
    model_type: "gpt2",
    n_embd: CONFIG.hiddenSize,
    n_layer: CONFIG.numLayers,
    n_head: CONFIG.numHeads,
    n_positions: CONFIG.maxPositions,
    vocab_size: CONFIG.vocabSize,
    layer_norm_epsilon: CONFIG.layerNormEpsilon,
    activation_function: "gelu_new",
    n_inner: null,
  };
  writeFileSync(join(dir, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
  return bytes;
}

function loadInChild(dir: string): ChildReport {
  const child = fileURLToPath(new URL("./load-child.js", import.meta.url));
  const result = spawnSync(process.execPath, [child, dir], { encoding: "utf8", timeout: 120_000 });
  if (result.status !== 0)
    throw new Error(
      `bench: load child exited with ${result.status ?? result.signal}: ${result.stderr.trim()}`,
    );
  return JSON.parse(result.stdout.trim().split("\n").pop() as string) as ChildReport;
}

export function loadMemoryRows(ctx: BenchContext): Row[] {
  if (!ctx.selected(LOAD_ROW_NAME)) return [];
  const dir = mkdtempSync(join(tmpdir(), "locedit-bench-"));
  try {
    ctx.log(`  ${LOAD_ROW_NAME}: writing a ${CONFIG.numLayers}-layer GPT-2 checkpoint to ${dir}`);
    const float32Bytes = writeRandomCheckpoint(dir);
    const runs = ctx.quick ? 1 : 3;
    const reports: ChildReport[] = [];
    for (let run = 1; run <= runs; run++) {
      ctx.log(`  ${LOAD_ROW_NAME}: loading it in a child process (${run}/${runs})`);
      const report = loadInChild(dir);
      if (report.parameterBytes !== float32Bytes)
        throw new Error(`bench: loaded ${report.parameterBytes} parameter bytes, wrote ${float32Bytes}`);
      ctx.log(`    peak RSS +${((report.peakRss - report.rssBefore) / MB).toFixed(0)} MB`);
      reports.push(report);
    }
    // the median run: the peak depends on when V8 collects the Conv1D transposes' garbage
    const report = reports.sort((a, b) => a.peakRss - a.rssBefore - (b.peakRss - b.rssBefore))[runs >> 1];
    const extra = report.peakRss - report.rssBefore;
    return [
      makeRow(
        LOAD_ROW_NAME,
        extra / MB,
        float32Bytes / MB,
        "MB",
        "lower",
        `peak RSS increase of a child process during loadModel of a ${CONFIG.numLayers}-layer d ${CONFIG.hiddenSize} ` +
          `GPT-2 (${(float32Bytes / MB).toFixed(0)} MB float32 safetensors) in ${report.seconds.toFixed(2)} s; ` +
          `peak from ${report.method}; baseline = the float32 parameter size itself (no PyTorch run), ratio = float32 size / our peak`,
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
