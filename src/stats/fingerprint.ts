// Fingerprints that key the statistics cache (ROME/MEMIT layer_stats cache keys, made exact):
//  - layerFingerprints(model, tokenizer, layers): for each layer l, sha256 over the model's config,
//    the tokenizer's definition and every value (as float32) of the weights that layer l's keys depend
//    on — the embeddings, layers 0 … l−1 whole, and layer l's tensors except W_out (whose input is
//    the key). Any change to one of them, however small, gives new keys (issue 14: changing 8,000
//    values of h.0.mlp.c_fc.weight used to reuse the old C0). The weights are hashed in memory, as
//    the statistics are computed from them, in one pass up to the highest layer asked for; a model
//    changed in memory after loading gets new keys too.
//  - modelFingerprint(dir): sha256 of every byte of config.json, the shard index and the weight
//    files: the identity of a model folder on disk.
//  - corpusFingerprint(files): sha256 over the files' contents in order (file names are not
//    included, so moving a corpus keeps its statistics).
import { createHash, type Hash } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readSync } from "node:fs";
import { basename, join } from "node:path";
import { openCheckpoint } from "../io/checkpoint.js";
import { fsError, isErrnoError, fsCause } from "../io/fs-errors.js";
import type { CausalLM } from "../models/causal-lm.js";
import { HalfTensor } from "../models/layers/weight.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";

const READ_BYTES = 1 << 20;

/** JSON with object keys sorted, so equal configs hash equally whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object")
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(value) ?? "null";
}

/** Elements widened at a time when hashing a 16-bit weight. */
const WIDEN_CHUNK = 1 << 20;

/**
 * Hashes the weight's float32 values: a 16-bit weight is widened a chunk at a time (exactly, so it
 * hashes as the same weights loaded widened do, and is never copied whole nor handed out widened).
 */
function hashParam(hash: Hash, model: CausalLM, name: string): void {
  const weight = model.weight(name);
  hash.update(`${name} ${weight.length}\n`);
  if (!(weight instanceof HalfTensor)) {
    hash.update(new Uint8Array(weight.buffer, weight.byteOffset, weight.byteLength));
    return;
  }
  const chunk = new Float32Array(Math.min(WIDEN_CHUNK, weight.length));
  for (let begin = 0; begin < weight.length; begin += WIDEN_CHUNK) {
    const count = Math.min(WIDEN_CHUNK, weight.length - begin);
    weight.widenInto(chunk, 0, begin, count);
    hash.update(new Uint8Array(chunk.buffer, 0, 4 * count));
  }
}

/** Hex sha256 per layer of `layers` over what that layer's statistics depend on (see the header). */
export function layerFingerprints(
  model: CausalLM,
  tokenizer: Tokenizer,
  layers: readonly number[],
): Map<number, string> {
  const names = model.arch.names;
  const hash = createHash("sha256");
  hash.update("locedit-layer-fingerprint-v2\n");
  hash.update(`${canonicalJson(model.config)}\n`);
  hash.update(`tokenizer ${tokenizer.fingerprint || `vocab ${tokenizer.vocabSize}`}\n`);
  for (const name of [names.embedding.tokens, names.embedding.positions])
    if (name !== null) hashParam(hash, model, name);
  const wanted = new Set(layers);
  const highest = Math.max(...layers);
  const result = new Map<number, string>();
  for (let layer = 0; layer <= highest; layer++) {
    const prefix = names.layerPrefix(layer);
    const mlpOut = prefix + names.editSurface.mlpOut + ".";
    const own = model.specs.filter((s) => s.name.startsWith(prefix) && !s.tiedTo);
    for (const spec of own) if (!spec.name.startsWith(mlpOut)) hashParam(hash, model, spec.name);
    if (wanted.has(layer)) result.set(layer, hash.copy().update(`layer ${layer}\n`).digest("hex"));
    for (const spec of own) if (spec.name.startsWith(mlpOut)) hashParam(hash, model, spec.name);
  }
  return result;
}

/** Hex sha256 of every byte of the model folder's config.json, shard index and weight files. */
export function modelFingerprint(modelDir: string): string {
  const hash = createHash("sha256");
  hash.update("locedit-model-fingerprint-v2\n");
  const config = join(modelDir, "config.json");
  if (!existsSync(config)) throw new Error(`${config}: missing, cannot fingerprint the model`);
  hashFile(hash, config, "config.json");
  const index = join(modelDir, "model.safetensors.index.json");
  if (existsSync(index)) hashFile(hash, index, "model.safetensors.index.json");
  const checkpoint = openCheckpoint(modelDir); // the weight files the loader reads, headers validated
  const files = checkpoint.files;
  checkpoint.close();
  for (const path of files) hashFile(hash, path, basename(path));
  return hash.digest("hex");
}

/** Hex sha256 of the files' contents, each prefixed by its byte length, in the order given. */
export function corpusFingerprint(files: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update("locedit-corpus-fingerprint-v1\n");
  for (const file of files) hashFile(hash, file, null, "corpus file");
  return hash.digest("hex");
}

/** Streams a file into `hash`, after "<name> <size>\n" (or "<size>\n" when name is null). */
function hashFile(hash: Hash, path: string, name: string | null, what = "file"): void {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    if (!isErrnoError(error)) throw fsError(error);
    throw new Error(`${path}: cannot open ${what}: ${fsCause(error)}`, { cause: error });
  }
  try {
    const size = fstatSync(fd).size;
    hash.update(name === null ? `${size}\n` : `${name} ${size}\n`);
    const buffer = new Uint8Array(READ_BYTES);
    for (let read; (read = readSync(fd, buffer, 0, READ_BYTES, null)) > 0;)
      hash.update(buffer.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}
