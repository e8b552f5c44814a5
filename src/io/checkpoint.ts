// A Hugging Face checkpoint folder as one tensor source: either `model.safetensors`, or
// `model.safetensors.index.json` ({"metadata": {...}, "weight_map": {"<tensor>": "<shard file>"}})
// plus the shards it names. Opening reads every shard's header and cross-checks it with the
// index; tensor data is read on demand. PyTorch `.bin` checkpoints are not supported.

import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { parseJsonText } from "./json-text.js";
import { jsonPreview, isPlainObject } from "./json-values.js";
import {
  openSafetensors,
  type SafetensorsFile,
  type TensorInfo,
  type TensorSource,
} from "./safetensors-read.js";

export const SINGLE_FILE_NAME = "model.safetensors";
export const INDEX_FILE_NAME = "model.safetensors.index.json";
const PYTORCH_FILE_NAMES = ["pytorch_model.bin", "pytorch_model.bin.index.json"];

export interface Checkpoint extends TensorSource {
  readonly dir: string;
  /** Paths of the safetensors files behind this checkpoint. */
  readonly files: string[];
  /** Path of `model.safetensors.index.json` when the checkpoint is sharded, else null. */
  readonly index: string | null;
  /** Which file holds `name`. */
  fileOf(name: string): string;
}

/**
 * Opens the checkpoint in `dir` (or a single .safetensors file given by path). A single
 * `model.safetensors` wins over an index, as in transformers.
 */
export function openCheckpoint(dir: string): Checkpoint {
  if (!existsSync(dir)) throw new Error(`${dir}: checkpoint folder does not exist`);
  if (statSync(dir).isFile()) return singleFileCheckpoint(dir, openSafetensors(dir));
  const singlePath = join(dir, SINGLE_FILE_NAME);
  if (existsSync(singlePath)) return singleFileCheckpoint(dir, openSafetensors(singlePath));
  const indexPath = join(dir, INDEX_FILE_NAME);
  if (existsSync(indexPath)) return shardedCheckpoint(dir, indexPath);
  const pytorchFile = PYTORCH_FILE_NAMES.find((name) => existsSync(join(dir, name)));
  const hint =
    pytorchFile === undefined
      ? ""
      : `; found ${pytorchFile}, but PyTorch .bin checkpoints are not supported (convert them to safetensors)`;
  throw new Error(`${dir}: no ${SINGLE_FILE_NAME} or ${INDEX_FILE_NAME} found${hint}`);
}

function singleFileCheckpoint(dir: string, file: SafetensorsFile): Checkpoint {
  return {
    dir,
    files: [file.path],
    index: null,
    fileOf(name) {
      file.info(name); // throws, naming the file, when the tensor is absent
      return file.path;
    },
    names: () => file.names(),
    has: (name) => file.has(name),
    info: (name) => file.info(name),
    readFloat32: (name, into) => file.readFloat32(name, into),
    readStored: (name, into) => file.readStored(name, into),
    readInt32: (name) => file.readInt32(name),
    readBytes: (name, into) => file.readBytes(name, into),
    close: () => file.close(),
  };
}

function shardedCheckpoint(dir: string, indexPath: string): Checkpoint {
  const weightMap = readWeightMap(indexPath);
  const shardNames = [...new Set(weightMap.values())].sort();
  const shards = new Map<string, SafetensorsFile>();
  const closeAll = () => shards.forEach((shard) => shard.close());
  try {
    for (const shardName of shardNames) {
      const shardPath = join(dir, shardName);
      if (!existsSync(shardPath)) {
        throw new Error(`${indexPath}: shard file ${shardName} is missing from ${dir}`);
      }
      shards.set(shardName, openSafetensors(shardPath));
    }
    crossCheck(weightMap, shards, indexPath);
  } catch (error) {
    closeAll();
    throw error;
  }

  function shardOf(name: string): SafetensorsFile {
    const shardName = weightMap.get(name);
    if (shardName === undefined) throw new Error(`${dir}: no tensor named '${name}' in ${INDEX_FILE_NAME}`);
    return shards.get(shardName) as SafetensorsFile;
  }

  return {
    dir,
    files: shardNames.map((shardName) => join(dir, shardName)),
    index: indexPath,
    fileOf: (name) => shardOf(name).path,
    names: () => [...weightMap.keys()],
    has: (name) => weightMap.has(name),
    info: (name): TensorInfo => shardOf(name).info(name),
    readFloat32: (name, into) => shardOf(name).readFloat32(name, into),
    readStored: (name, into) => shardOf(name).readStored(name, into),
    readInt32: (name) => shardOf(name).readInt32(name),
    readBytes: (name, into) => shardOf(name).readBytes(name, into),
    close: closeAll,
  };
}

/** Parses the index's weight_map, checking each shard is a plain file name inside the folder. */
function readWeightMap(indexPath: string): Map<string, string> {
  const parsed = parseJsonText(readFileSync(indexPath, "utf8"), indexPath);
  if (!isPlainObject(parsed) || !isPlainObject(parsed.weight_map)) {
    throw new Error(
      `${indexPath}: expected an object with a "weight_map" object of tensor name → shard file`,
    );
  }
  const weightMap = new Map<string, string>();
  for (const [name, shardName] of Object.entries(parsed.weight_map)) {
    if (typeof shardName !== "string" || shardName === "" || basename(shardName) !== shardName) {
      throw new Error(
        `${indexPath}: weight_map['${name}'] must be a shard file name in the same folder, got ${jsonPreview(shardName)}`,
      );
    }
    weightMap.set(name, shardName);
  }
  if (weightMap.size === 0) throw new Error(`${indexPath}: weight_map is empty`);
  return weightMap;
}

/** Every indexed tensor is in its shard, and no tensor appears in two shards. */
function crossCheck(
  weightMap: Map<string, string>,
  shards: Map<string, SafetensorsFile>,
  indexPath: string,
): void {
  for (const [name, shardName] of weightMap) {
    if (!(shards.get(shardName) as SafetensorsFile).has(name)) {
      throw new Error(
        `${indexPath}: tensor '${name}' is listed in shard ${shardName} but absent from that file`,
      );
    }
  }
  const holder = new Map<string, string>();
  for (const [shardName, shard] of shards) {
    for (const name of shard.names()) {
      const previous = holder.get(name);
      if (previous !== undefined) {
        throw new Error(
          `${indexPath}: tensor '${name}' is stored in two shards, ${previous} and ${shardName}`,
        );
      }
      holder.set(name, shardName);
    }
  }
}
