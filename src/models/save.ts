// Saving a CausalLM as a Hugging Face folder (config.json, model.safetensors or shards, and the
// tokenizer files copied from a source folder), all or nothing: the folder is built under a
// temporary name and renamed into place, so a reader never sees it half-written, and never over
// another folder: an existing folder is replaced only with `overwrite` (io/atomic.ts).
// Each tensor is written in the dtype asked for, by default the one the checkpoint the model was
// loaded from stores it in (F32 for a model built in memory). When every tensor keeps its
// checkpoint's dtype, the checkpoint's own files are reused: a file whose tensors all still have
// their stored bytes is hard-linked (or copied), one holding a changed tensor is copied with that
// tensor's bytes replaced (io/checkpoint-patch.ts), so the index and shard layout stay as they were.
import { copyFileSync, cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { publishDirectoryAtomicSync, writeFileAtomic, type PublishOptions } from "../io/atomic.js";
import { openCheckpoint } from "../io/checkpoint.js";
import { writePatchedCheckpoint, type PatchedFile, type UnchangedFiles } from "../io/checkpoint-patch.js";
import { writeCheckpoint } from "../io/checkpoint-write.js";
import type { WritableDtype } from "../io/dtypes.js";
import { encodeTensor, type TensorsToWrite } from "../io/safetensors-write.js";
import { toHfConfig } from "./hf-config-write.js";
import type { CausalLM, CheckpointOrigin } from "./causal-lm.js";
import { HalfTensor, type Weight } from "./layers/weight.js";
import { storedShape, toStoredLayout, type ParamSpec } from "./param-spec.js";

export const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"];

export interface SaveOptions extends Pick<PublishOptions, "overwrite" | "onNotice"> {
  /** dtype of every tensor (default: each tensor's dtype in the checkpoint the model came from, else F32) */
  dtype?: WritableDtype;
  /** copy tokenizer and generation files from this folder when present */
  copyFilesFrom?: string;
  /** subfolders of copyFilesFrom copied whole when present (e.g. "hparams") */
  copyFolders?: string[];
  /** the original config.json object, kept as is (with locedit's fields checked) when given */
  hfConfig?: Record<string, unknown>;
  /** largest shard: given, the tensors are written anew in that layout (no checkpoint file reused) */
  maxShardBytes?: number;
  /** extra files to write into the folder: name → contents */
  extraFiles?: Record<string, string>;
  /** checkpoint files with no changed tensor: "hardlink" (default; copied where linking fails) or "copy" */
  unchangedFiles?: UnchangedFiles;
  /** false: write every tensor anew even when the checkpoint's files could be reused */
  reuseCheckpointFiles?: boolean;
}

export interface SaveReport {
  /** "reused": the checkpoint's files were linked, copied or patched; "written": every tensor was written */
  layout: "reused" | "written";
  /** per safetensors file of the folder, how it got there (reused layout only) */
  files: PatchedFile[];
  /** parameters whose stored bytes differ from the checkpoint's (reused layout only) */
  changed: string[];
}

export function saveModel(model: CausalLM, dir: string, options: SaveOptions = {}): SaveReport {
  let report: SaveReport = { layout: "written", files: [], changed: [] };
  publishDirectoryAtomicSync(dir, (staging) => {
    const reuse = options.reuseCheckpointFiles !== false && options.maxShardBytes === undefined;
    const origin = reuse ? reusableOrigin(model, options.dtype) : null;
    if (origin) report = writeReusingOrigin(model, origin, staging, options.unchangedFiles);
    else writeTensors(model, staging, options);
    const hfConfig = options.hfConfig ?? toHfConfig(model.config);
    writeFileAtomic(join(staging, "config.json"), JSON.stringify(hfConfig, null, 2) + "\n");
    if (options.copyFilesFrom) {
      for (const file of TOKENIZER_FILES) {
        const source = join(options.copyFilesFrom, file);
        if (existsSync(source)) copyFileSync(source, join(staging, file));
      }
      for (const folder of options.copyFolders ?? []) {
        const source = join(options.copyFilesFrom, folder);
        if (existsSync(source)) cpSync(source, join(staging, folder), { recursive: true });
      }
    }
    for (const [name, contents] of Object.entries(options.extraFiles ?? {}))
      writeFileAtomic(join(staging, name), contents);
  }, options);
  return report;
}

/** The dtype parameter `name` is written in by saveModel with `dtype` asked for. */
export function savedDtype(model: CausalLM, name: string, dtype: WritableDtype | undefined): WritableDtype {
  if (dtype) return dtype;
  const stored = model.origin?.dtypes.get(name);
  return stored === "F16" || stored === "BF16" ? stored : "F32";
}

/** The model's origin when its files can be reused: it exists and every tensor keeps its stored dtype. */
function reusableOrigin(model: CausalLM, dtype: WritableDtype | undefined): CheckpointOrigin | null {
  const origin = model.origin;
  if (!origin || !origin.files.every((file) => existsSync(file))) return null;
  const keeps = model.specs.every((s) => s.tiedTo || origin.dtypes.get(s.name) === savedDtype(model, s.name, dtype));
  return keeps ? origin : null;
}

/** The bytes `weight` (locedit's layout) is stored as in `dtype`, in the checkpoint's layout. */
export function storedBytes(spec: ParamSpec, weight: Weight, dtype: WritableDtype): Uint8Array {
  const data = weight instanceof HalfTensor ? { dtype: weight.dtype, bits: toStoredLayout(spec, weight.bits) } : toStoredLayout(spec, weight);
  return encodeTensor(data, dtype);
}

function writeReusingOrigin(
  model: CausalLM,
  origin: CheckpointOrigin,
  staging: string,
  unchanged: UnchangedFiles | undefined,
): SaveReport {
  const patches = new Map<string, Uint8Array>();
  const changed: string[] = [];
  const checkpoint = openCheckpoint(origin.dir);
  try {
    for (const spec of model.specs) {
      if (spec.tiedTo) continue;
      const weight = model.weight(spec.name);
      if (!model.handedOut.has(spec.name) && origin.loaded.has(weight)) continue; // as loaded, untouched
      const fileName = origin.fileNames.get(spec.name) ?? spec.name;
      const bytes = storedBytes(spec, weight, savedDtype(model, spec.name, undefined));
      if (sameBytes(bytes, checkpoint.readBytes(fileName))) continue;
      patches.set(fileName, bytes);
      changed.push(spec.name);
    }
  } finally {
    checkpoint.close();
  }
  return { layout: "reused", files: writePatchedCheckpoint(origin.dir, staging, patches, unchanged), changed };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0;
}

/** Every tensor written anew, each converted only while its turn comes. */
function writeTensors(model: CausalLM, staging: string, options: SaveOptions): void {
  const tensors: TensorsToWrite = {};
  for (const spec of model.specs) {
    if (spec.tiedTo) continue;
    tensors[spec.name] = {
      dtype: savedDtype(model, spec.name, options.dtype),
      shape: storedShape(spec),
      data: () => {
        const weight = model.weight(spec.name);
        return weight instanceof HalfTensor ? { dtype: weight.dtype, bits: toStoredLayout(spec, weight.bits) } : toStoredLayout(spec, weight);
      },
    };
  }
  writeCheckpoint(staging, tensors, { maxShardBytes: options.maxShardBytes, metadata: { format: "pt" } });
}
