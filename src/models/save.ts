// Saving a CausalLM as a Hugging Face folder (config.json, model.safetensors or shards, and the
// tokenizer files copied from a source folder), all or nothing: the folder is built under a
// temporary name and renamed into place, so a reader never sees it half-written. An existing
// folder is replaced only with `overwrite` (io/atomic.ts).
import { copyFileSync, cpSync, existsSync } from "node:fs";
import { join } from "node:path";
import { publishDirectoryAtomicSync, writeFileAtomic, type PublishOptions } from "../io/atomic.js";
import { writeCheckpoint } from "../io/checkpoint-write.js";
import { toHfConfig } from "./hf-config-write.js";
import type { WritableDtype } from "../io/dtypes.js";
import type { CausalLM } from "./causal-lm.js";
import { storedShape, toStoredLayout } from "./param-spec.js";

export const TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "generation_config.json"];

export interface SaveOptions extends Pick<PublishOptions, "overwrite" | "onNotice"> {
  dtype?: WritableDtype;
  /** copy tokenizer and generation files from this folder when present */
  copyFilesFrom?: string;
  /** subfolders of copyFilesFrom copied whole when present (e.g. "hparams") */
  copyFolders?: string[];
  /** the original config.json object, kept as is (with locedit's fields checked) when given */
  hfConfig?: Record<string, unknown>;
  maxShardBytes?: number;
  /** extra files to write into the folder: name → contents */
  extraFiles?: Record<string, string>;
}

export function saveModel(model: CausalLM, dir: string, options: SaveOptions = {}): void {
  const dtype = options.dtype ?? "F32";
  publishDirectoryAtomicSync(dir, (staging) => {
    const tensors: Record<string, { dtype: WritableDtype; shape: number[]; data: Float32Array }> = {};
    for (const spec of model.specs) {
      if (spec.tiedTo) continue;
      const data = model.param(spec.name);
      tensors[spec.name] = { dtype, shape: storedShape(spec), data: toStoredLayout(spec, data) };
    }
    writeCheckpoint(staging, tensors, { maxShardBytes: options.maxShardBytes, metadata: { format: "pt" } });
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
}
