// How much room an output folder needs, known before anything is computed (issue 14, case 10):
// a saved model is its parameters at the stored dtype plus headers and small files; statistics
// need at least their final files (one dim² sum per layer, float32 or float64) and room for one
// float64 partial file being replaced (a run resumed on a nearly full disk must not be refused for
// the partial files it already holds; should the disk fill later, the write fails cleanly).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DTYPE_BYTES, type WritableDtype } from "../io/dtypes.js";
import { architectureFor } from "../models/architecture.js";
import { readModelConfig } from "../models/hf-config.js";
import { sizeOf } from "../models/param-spec.js";

const SLACK_BYTES = 1 << 20; // headers, config.json, edit-log.json

function folderBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((total, name) => total + folderBytes(join(path, name)), 0);
}

/** Bytes of `modelDir`'s model saved at `dtype`, with its tokenizer and hparams/ files. */
export function savedModelBytes(modelDir: string, dtype: WritableDtype, carried: readonly string[]): number {
  const config = readModelConfig(modelDir);
  const values = architectureFor(config)
    .specs.filter((spec) => !spec.tiedTo)
    .reduce((total, spec) => total + sizeOf(spec.shape), 0);
  const files = carried.reduce((total, name) => total + folderBytes(join(modelDir, name)), 0);
  return values * DTYPE_BYTES[dtype] + files + SLACK_BYTES;
}

/** Bytes the statistics of `layers` need at least: their final files and one float64 partial file. */
export function statisticsBytes(modelDir: string, layers: number, dtype: "float32" | "float64"): number {
  const dim = readModelConfig(modelDir).intermediateSize;
  return (layers * (dtype === "float64" ? 8 : 4) + 8) * dim * dim + SLACK_BYTES;
}
