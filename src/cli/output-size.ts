// How much room an output folder needs, known before anything is computed (issue 14, case 10):
// a saved model is its parameters at the dtype written plus headers and small files (or, when the
// checkpoint's files are reused, those files, less the ones hard-linked); statistics
// need at least their final files (one dim² sum per layer, float32 or float64) and room for one
// float64 partial file being replaced (a run resumed on a nearly full disk must not be refused for
// the partial files it already holds; should the disk fill later, the write fails cleanly).
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { openCheckpoint } from "../io/checkpoint.js";
import { DTYPE_BYTES, type SafetensorsDtype, type WritableDtype } from "../io/dtypes.js";
import { nearestExisting } from "../io/output-check.js";
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

export interface SavedModelBytesOptions {
  /** dtype of every tensor (default: each tensor's stored dtype, as saveModel does) */
  dtype?: WritableDtype;
  /** subfolders of the model folder copied along (hparams/) */
  carried: readonly string[];
  /** the output folder, when checkpoint files with no edited tensor are hard-linked into it */
  linkInto?: string;
}

/**
 * Bytes that saving `modelDir`'s model (edited) needs: when every tensor keeps its stored dtype the
 * checkpoint's files are reused (models/save.ts), and hard-linked ones on the same filesystem take
 * no room, so at least the largest file is counted (an edit rewrites the files holding its
 * weights); otherwise every tensor at the dtype written. Plus the tokenizer and carried folders.
 */
export function savedModelBytes(modelDir: string, options: SavedModelBytesOptions): number {
  const config = readModelConfig(modelDir);
  const arch = architectureFor(config);
  const checkpoint = openCheckpoint(modelDir);
  let weights: number;
  try {
    const stored = new Map<string, SafetensorsDtype>();
    for (const name of checkpoint.names()) {
      const canonical = arch.canonicalName(name);
      if (canonical !== null) stored.set(canonical, checkpoint.info(name).dtype);
    }
    const specs = arch.specs.filter((spec) => !spec.tiedTo);
    const written = (name: string): WritableDtype => {
      if (options.dtype) return options.dtype;
      const dtype = stored.get(name);
      return dtype === "F16" || dtype === "BF16" ? dtype : "F32";
    };
    const reused = specs.every((spec) => stored.get(spec.name) === written(spec.name));
    const fileSizes = checkpoint.files.map((file) => statSync(file).size);
    if (!reused)
      weights = specs.reduce((total, s) => total + sizeOf(s.shape) * DTYPE_BYTES[written(s.name)], 0);
    else if (options.linkInto !== undefined && sameFilesystem(modelDir, options.linkInto))
      weights = Math.max(0, ...fileSizes);
    else weights = fileSizes.reduce((a, b) => a + b, 0);
  } finally {
    checkpoint.close();
  }
  const files = options.carried.reduce((total, name) => total + folderBytes(join(modelDir, name)), 0);
  return weights + files + SLACK_BYTES;
}

function sameFilesystem(a: string, b: string): boolean {
  return statSync(nearestExisting(a)).dev === statSync(nearestExisting(b)).dev;
}

/** Bytes the statistics of `layers` need at least: their final files and one float64 partial file. */
export function statisticsBytes(modelDir: string, layers: number, dtype: "float32" | "float64"): number {
  const dim = readModelConfig(modelDir).intermediateSize;
  return (layers * (dtype === "float64" ? 8 : 4) + 8) * dim * dim + SLACK_BYTES;
}
