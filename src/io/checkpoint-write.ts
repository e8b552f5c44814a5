// Writes a checkpoint folder in the Hugging Face layout read by checkpoint.ts: one
// `model.safetensors` when everything fits in `maxShardBytes`, otherwise shards
// `model-00001-of-0000N.safetensors` (tensors in sorted name order, filled greedily) plus
// `model.safetensors.index.json` with {"metadata": {"total_size"}, "weight_map"}.
// Each file is written atomically; checkpoint files left from an earlier write are removed after.
// For an all-or-nothing folder, write into publishDirectoryAtomic's staging folder (atomic.ts).

import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "./atomic.js";
import { INDEX_FILE_NAME, SINGLE_FILE_NAME } from "./checkpoint.js";
import { storedByteLength, writeSafetensors, type TensorsToWrite } from "./safetensors-write.js";

export interface WriteCheckpointOptions {
  /** Largest data size of one shard in bytes (default 5 GB, like transformers); a bigger tensor gets a shard alone. */
  maxShardBytes?: number;
  /** String metadata stored in every shard's header (e.g. {"format": "pt"}). */
  metadata?: Record<string, string>;
}

const DEFAULT_MAX_SHARD_BYTES = 5_000_000_000;
const SHARD_FILE_PATTERN = /^model-\d{5}-of-\d{5}\.safetensors$/;

/** Writes `tensors` into `dir` (created if needed) and returns the file names written. */
export function writeCheckpoint(
  dir: string,
  tensors: TensorsToWrite,
  options: WriteCheckpointOptions = {},
): string[] {
  const maxShardBytes = options.maxShardBytes ?? DEFAULT_MAX_SHARD_BYTES;
  if (!Number.isSafeInteger(maxShardBytes) || maxShardBytes <= 0) {
    throw new Error(`${dir}: maxShardBytes must be a positive integer, got ${maxShardBytes}`);
  }
  const shards = planShards(tensors, maxShardBytes);
  mkdirSync(dir, { recursive: true });
  let written: string[];
  if (shards.length <= 1) {
    writeSafetensors(join(dir, SINGLE_FILE_NAME), tensors, options.metadata);
    written = [SINGLE_FILE_NAME];
  } else {
    const count = String(shards.length).padStart(5, "0");
    const shardNames = shards.map(
      (_, i) => `model-${String(i + 1).padStart(5, "0")}-of-${count}.safetensors`,
    );
    const weightMap: Record<string, string> = {};
    let totalSize = 0;
    shards.forEach((names, i) => {
      const shardTensors: TensorsToWrite = {};
      for (const name of names) {
        shardTensors[name] = tensors[name];
        weightMap[name] = shardNames[i];
        totalSize += storedByteLength(tensors[name]);
      }
      writeSafetensors(join(dir, shardNames[i]), shardTensors, options.metadata);
    });
    const index = { metadata: { total_size: totalSize }, weight_map: weightMap };
    writeFileAtomic(join(dir, INDEX_FILE_NAME), `${JSON.stringify(index, null, 2)}\n`);
    written = [...shardNames, INDEX_FILE_NAME];
  }
  removeStaleCheckpointFiles(dir, new Set(written));
  return written;
}

/** Groups sorted tensor names into shards whose data stays within `maxShardBytes`. */
function planShards(tensors: TensorsToWrite, maxShardBytes: number): string[][] {
  const shards: string[][] = [];
  let current: string[] = [];
  let currentBytes = 0;
  for (const name of Object.keys(tensors).sort()) {
    const bytes = storedByteLength(tensors[name]);
    if (current.length > 0 && currentBytes + bytes > maxShardBytes) {
      shards.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(name);
    currentBytes += bytes;
  }
  if (current.length > 0) shards.push(current);
  return shards;
}

/** A stale `model.safetensors` would shadow a new index when reading, so old layouts must go. */
function removeStaleCheckpointFiles(dir: string, keep: Set<string>): void {
  for (const name of readdirSync(dir)) {
    const isCheckpointFile =
      name === SINGLE_FILE_NAME || name === INDEX_FILE_NAME || SHARD_FILE_PATTERN.test(name);
    if (isCheckpointFile && !keep.has(name)) rmSync(join(dir, name), { force: true });
  }
}
