// Lazy safetensors reader: opening reads and validates only the header (safetensors-header.ts);
// each tensor is then read on demand from its offset straight into its final typed array (F16 and
// BF16 kept as stored by readStored, or widened in bounded chunks by readFloat32), so memory stays
// ≈ the size of the tensors actually asked for, and no file is ever read whole.
// Assumes a little-endian host (x86-64, arm64), like the format itself.

import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { endianness } from "node:os";
import { causeOf } from "./fs-errors.js";
import { widenBfloat16, widenFloat16, type HalfBits, type SafetensorsDtype } from "./dtypes.js";
import { parseHeaderJson, parseHeaderLength, type TensorEntry } from "./safetensors-header.js";

/** Where one tensor lives; `byteOffset` is absolute in the file. */
export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  byteOffset: number;
  byteLength: number;
}

/** What model loaders need from a checkpoint: a single file or a sharded set (checkpoint.ts). */
export interface TensorSource {
  names(): string[];
  has(name: string): boolean;
  info(name: string): TensorInfo;
  /**
   * The tensor widened to float32 (F32, F16, BF16, F64). With `into`, the values are written to
   * its start (it must be long enough) and a view of that part is returned: no allocation.
   */
  readFloat32(name: string, into?: Float32Array): Float32Array;
  /**
   * The tensor as stored when that is F16 or BF16 (its bits, unconverted), else widened to float32
   * like readFloat32. `into` (a Uint16Array for 16-bit tensors, a Float32Array otherwise; ignored
   * when of the other kind) receives the values at its start, as in readFloat32.
   */
  readStored(name: string, into?: Float32Array | Uint16Array): Float32Array | HalfBits;
  /** The tensor as int32 (I32, or I64 whose values fit). */
  readInt32(name: string): Int32Array;
  /**
   * The tensor's raw little-endian bytes, unconverted; `into` (at least the tensor's byte length)
   * receives them at its start instead of a new buffer, and the view of them is returned.
   */
  readBytes(name: string, into?: Uint8Array): Uint8Array;
  close(): void;
}

export interface SafetensorsFile extends TensorSource {
  readonly path: string;
  readonly metadata: Readonly<Record<string, string>>;
}

/** Bytes read per system call when converting; a multiple of 8 so every dtype splits evenly. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** readSync takes at most 2 GiB − 1 per call; stay well below. */
const MAX_DIRECT_READ_BYTES = 1024 * 1024 * 1024;

/** Opens a .safetensors file and validates its header; tensors are read later, one at a time. */
export function openSafetensors(path: string): SafetensorsFile {
  if (endianness() !== "LE") throw new Error(`${path}: safetensors reading needs a little-endian host`);
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw new Error(`${path}: cannot open safetensors file: ${causeOf(error)}`, { cause: error });
  }
  try {
    return createFile(path, fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

function createFile(path: string, fd: number): SafetensorsFile {
  const fileSize = fstatSync(fd).size;
  const prefix = new Uint8Array(8);
  if (fileSize >= 8) readExactly(fd, prefix, 0, path, "header length");
  const headerLength = parseHeaderLength(prefix, fileSize, path);
  const headerBytes = new Uint8Array(headerLength);
  readExactly(fd, headerBytes, 8, path, "header");
  const dataStart = 8 + headerLength;
  const header = parseHeaderJson(headerBytes, fileSize - dataStart, path);
  let open = true;

  function entryOf(name: string): TensorEntry {
    if (!open) throw new Error(`${path}: file is closed (reading tensor '${name}')`);
    const entry = header.tensors.get(name);
    if (entry === undefined) throw new Error(`${path}: no tensor named '${name}'`);
    return entry;
  }

  function readInto(name: string, entry: TensorEntry, target: Uint8Array): void {
    for (let done = 0; done < target.length; done += MAX_DIRECT_READ_BYTES) {
      const piece = target.subarray(done, Math.min(target.length, done + MAX_DIRECT_READ_BYTES));
      readExactly(fd, piece, dataStart + entry.begin + done, path, `tensor '${name}'`);
    }
  }

  /** Streams the tensor through a scratch buffer, handing each chunk and its element offset to `convert`. */
  function readChunked(
    name: string,
    entry: TensorEntry,
    convert: (chunk: Uint8Array, firstElement: number) => void,
  ) {
    const elementBytes = entry.dtype === "F64" || entry.dtype === "I64" ? 8 : 2;
    const scratch = new Uint8Array(Math.min(CHUNK_BYTES, entry.end - entry.begin));
    for (let done = 0; done < entry.end - entry.begin; done += scratch.length) {
      const chunk = scratch.subarray(0, Math.min(scratch.length, entry.end - entry.begin - done));
      readExactly(fd, chunk, dataStart + entry.begin + done, path, `tensor '${name}'`);
      convert(chunk, done / elementBytes);
    }
  }

  function readFloat32(name: string, into?: Float32Array): Float32Array {
    const entry = entryOf(name);
    const count = elementCount(entry);
    if (into && into.length < count)
      throw new Error(
        `${path}: tensor '${name}' has ${count} elements, the target buffer only ${into.length}`,
      );
    const out = into ? into.subarray(0, count) : new Float32Array(count);
    if (entry.dtype === "F32") {
      readInto(name, entry, new Uint8Array(out.buffer, out.byteOffset, out.byteLength));
    } else if (entry.dtype === "F16") {
      readChunked(name, entry, (chunk, first) => widenFloat16(u16(chunk), out, first));
    } else if (entry.dtype === "BF16") {
      const outBits = new Uint32Array(out.buffer, out.byteOffset, out.length);
      readChunked(name, entry, (chunk, first) => widenBfloat16(u16(chunk), outBits, first));
    } else if (entry.dtype === "F64") {
      readChunked(name, entry, (chunk, first) =>
        out.set(new Float64Array(chunk.buffer, 0, chunk.length / 8), first),
      );
    } else {
      throw new Error(
        `${path}: tensor '${name}' has dtype ${entry.dtype}; readFloat32 needs F32, F16, BF16 or F64`,
      );
    }
    return out;
  }

  return {
    path,
    metadata: Object.freeze({ ...header.metadata }),
    names: () => [...header.tensors.keys()],
    has: (name) => header.tensors.has(name),
    info(name) {
      const entry = entryOf(name);
      return {
        dtype: entry.dtype,
        shape: entry.shape.slice(),
        byteOffset: dataStart + entry.begin,
        byteLength: entry.end - entry.begin,
      };
    },
    readBytes(name, into) {
      const entry = entryOf(name);
      const length = entry.end - entry.begin;
      if (into && into.length < length)
        throw new Error(
          `${path}: tensor '${name}' has ${length} bytes, the target buffer only ${into.length}`,
        );
      const bytes = into ? into.subarray(0, length) : new Uint8Array(length);
      readInto(name, entry, bytes);
      return bytes;
    },
    readFloat32,
    readStored(name, into) {
      const entry = entryOf(name);
      if (entry.dtype !== "F16" && entry.dtype !== "BF16")
        return readFloat32(name, into instanceof Float32Array ? into : undefined);
      const count = elementCount(entry);
      const bits =
        into instanceof Uint16Array && into.length >= count
          ? into.subarray(0, count)
          : new Uint16Array(count);
      readInto(name, entry, new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength));
      return { dtype: entry.dtype, bits };
    },
    readInt32(name) {
      const entry = entryOf(name);
      const out = new Int32Array(elementCount(entry));
      if (entry.dtype === "I32") {
        readInto(name, entry, new Uint8Array(out.buffer));
      } else if (entry.dtype === "I64") {
        readChunked(name, entry, (chunk, first) =>
          narrowInt64(chunk, out, first, `${path}: tensor '${name}'`),
        );
      } else {
        throw new Error(`${path}: tensor '${name}' has dtype ${entry.dtype}; readInt32 needs I32 or I64`);
      }
      return out;
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}

function elementCount(entry: TensorEntry): number {
  return entry.shape.reduce((product, dim) => product * dim, 1);
}

/** Scratch chunks start at offset 0 of their own buffer, so 2- and 8-byte views are aligned. */
function u16(chunk: Uint8Array): Uint16Array {
  return new Uint16Array(chunk.buffer, chunk.byteOffset, chunk.length / 2);
}

function narrowInt64(chunk: Uint8Array, out: Int32Array, first: number, where: string): void {
  const values = new BigInt64Array(chunk.buffer, chunk.byteOffset, chunk.length / 8);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value < -2147483648n || value > 2147483647n) {
      throw new Error(`${where}: I64 element ${first + i} = ${value} does not fit in int32`);
    }
    out[first + i] = Number(value);
  }
}

/** Fills `target` from `position`, looping over short reads; a premature end of file is an error. */
function readExactly(fd: number, target: Uint8Array, position: number, path: string, what: string): void {
  let done = 0;
  while (done < target.length) {
    const count = readSync(fd, target, done, target.length - done, position + done);
    if (count === 0) {
      throw new Error(`${path}: unexpected end of file reading ${what} (${done} of ${target.length} bytes)`);
    }
    done += count;
  }
}
