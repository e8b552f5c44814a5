// Fingerprints that key the statistics cache (ROME/MEMIT layer_stats cache keys, made robust):
//  - modelFingerprint: sha256 over config.json, the shard index when there is one, and for each
//    safetensors file the loader reads (io/checkpoint.ts) its name, size and whole header, plus
//    three CHUNK_BYTES samples of every tensor's data (its start, middle and end). That reads a
//    few hundred KiB even for a 16 GB checkpoint, and catches any change of shape, dtype or
//    tensor set and any change that touches a whole tensor (retraining; a ROME/MEMIT edit,
//    which changes nearly every entry of W_out). A change confined to bytes between the samples
//    goes unnoticed: delete the cache after such a surgical edit.
//  - corpusFingerprint: sha256 over the files' contents in order (file names are not included,
//    so moving a corpus keeps its statistics).
import { createHash, type Hash } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync } from "node:fs";
import { basename, join } from "node:path";
import { openCheckpoint } from "../io/checkpoint.js";

const CHUNK_BYTES = 256;
const READ_BYTES = 1 << 20;

/** Hex sha256 identifying the model in `modelDir` (see the header for what it covers). */
export function modelFingerprint(modelDir: string): string {
  const hash = createHash("sha256");
  hash.update("locedit-model-fingerprint-v1\n");
  hashNamedFile(hash, join(modelDir, "config.json"), "config.json");
  const index = join(modelDir, "model.safetensors.index.json");
  if (existsSync(index)) hashNamedFile(hash, index, "model.safetensors.index.json");
  const checkpoint = openCheckpoint(modelDir); // the weight files the loader reads, headers validated
  const files = checkpoint.files;
  checkpoint.close();
  for (const path of files) hashSafetensorsSample(hash, path, basename(path));
  return hash.digest("hex");
}

/** Hex sha256 of the files' contents, each prefixed by its byte length, in the order given. */
export function corpusFingerprint(files: readonly string[]): string {
  const hash = createHash("sha256");
  hash.update("locedit-corpus-fingerprint-v1\n");
  for (const file of files) {
    const fd = openOrThrow(file, "corpus file");
    try {
      hash.update(`${fstatSync(fd).size}\n`);
      const buffer = new Uint8Array(READ_BYTES);
      for (let read; (read = readSync(fd, buffer, 0, READ_BYTES, null)) > 0;)
        hash.update(buffer.subarray(0, read));
    } finally {
      closeSync(fd);
    }
  }
  return hash.digest("hex");
}

function hashNamedFile(hash: Hash, path: string, name: string): void {
  if (!existsSync(path)) throw new Error(`${path}: missing, cannot fingerprint the model`);
  const bytes = readFileSync(path);
  hash.update(`${name} ${bytes.length}\n`);
  hash.update(bytes);
}

/** Name, size, the 8-byte length and JSON header, then the start, middle and end of each tensor. */
function hashSafetensorsSample(hash: Hash, path: string, name: string): void {
  const fd = openOrThrow(path, "safetensors file");
  try {
    const size = fstatSync(fd).size;
    hash.update(`${name} ${size}\n`);
    const prefix = readAt(fd, 0, 8);
    const headerLength = Number(new DataView(prefix.buffer).getBigUint64(0, true));
    const header = readAt(fd, 8, headerLength);
    hash.update(prefix);
    hash.update(header);
    const entries = JSON.parse(new TextDecoder().decode(header)) as Record<
      string,
      { data_offsets?: number[] }
    >;
    for (const tensor of Object.keys(entries).sort()) {
      const offsets = entries[tensor].data_offsets;
      if (!offsets) continue; // __metadata__
      const [begin, end] = offsets.map((offset) => 8 + headerLength + offset);
      const middle = begin + Math.floor((end - begin) / 2);
      for (const at of [begin, middle, Math.max(begin, end - CHUNK_BYTES)])
        hash.update(readAt(fd, at, Math.min(CHUNK_BYTES, end - at)));
    }
  } finally {
    closeSync(fd);
  }
}

function readAt(fd: number, position: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const read = readSync(fd, out, done, length - done, position + done);
    if (read === 0) break;
    done += read;
  }
  return out.subarray(0, done);
}

function openOrThrow(path: string, what: string): number {
  try {
    return openSync(path, "r");
  } catch (error) {
    throw new Error(`${path}: cannot open ${what}: ${(error as Error).message}`, { cause: error });
  }
}
