// Fingerprints that key the statistics cache (ROME/MEMIT layer_stats cache keys, made robust):
//  - modelFingerprint: sha256 over config.json, the shard index when there is one, and for each
//    safetensors file its name, size, whole header and SAMPLED_CHUNKS × CHUNK_BYTES of tensor data
//    at evenly spaced offsets (first and last bytes included). Reading ≈ 64 KiB per file keeps it
//    cheap for a 16 GB checkpoint; any change of shape, dtype, tensor set or size, and in practice
//    any retraining or edit (which moves bytes everywhere), changes it. A change confined to
//    bytes between the samples goes unnoticed: delete the cache after such a surgical edit.
//  - corpusFingerprint: sha256 over the files' contents in order (file names are not included,
//    so moving a corpus keeps its statistics).
import { createHash, type Hash } from "node:crypto";
import { closeSync, existsSync, fstatSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";

const SAMPLED_CHUNKS = 16;
const CHUNK_BYTES = 4096;
const READ_BYTES = 1 << 20;

/** Hex sha256 identifying the model in `modelDir` (see the header for what it covers). */
export function modelFingerprint(modelDir: string): string {
  const hash = createHash("sha256");
  hash.update("locedit-model-fingerprint-v1\n");
  hashNamedFile(hash, join(modelDir, "config.json"), "config.json");
  const index = join(modelDir, "model.safetensors.index.json");
  if (existsSync(index)) hashNamedFile(hash, index, "model.safetensors.index.json");
  const files = readdirSync(modelDir)
    .filter((name) => name.endsWith(".safetensors"))
    .sort();
  if (files.length === 0) throw new Error(`${modelDir}: no .safetensors file to fingerprint`);
  for (const name of files) hashSafetensorsSample(hash, join(modelDir, name), name);
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

/** Name, size, the 8-byte length and JSON header, then evenly spaced chunks of the data. */
function hashSafetensorsSample(hash: Hash, path: string, name: string): void {
  const fd = openOrThrow(path, "safetensors file");
  try {
    const size = fstatSync(fd).size;
    hash.update(`${name} ${size}\n`);
    const prefix = readAt(fd, 0, Math.min(8, size));
    hash.update(prefix);
    if (size < 8) return;
    const headerLength = Number(new DataView(prefix.buffer).getBigUint64(0, true));
    const dataStart = Math.min(size, 8 + headerLength);
    hash.update(readAt(fd, 8, dataStart - 8));
    const dataLength = size - dataStart;
    const span = Math.max(0, dataLength - CHUNK_BYTES);
    for (let i = 0; i < SAMPLED_CHUNKS; i++) {
      const offset = dataStart + Math.floor((span * i) / (SAMPLED_CHUNKS - 1));
      hash.update(readAt(fd, offset, Math.min(CHUNK_BYTES, size - offset)));
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
