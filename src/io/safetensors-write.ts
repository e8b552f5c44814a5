// safetensors writer (format in safetensors-header.ts): float32 data narrowed to F32, F16 or
// BF16 (round to nearest, ties to even), 16-bit data (HalfBits) stored as it is or converted,
// float64 data stored as F64 (statistics sums) or narrowed to F32, tensors laid out in sorted name
// order with no holes; data may be given as a function, called only while that tensor is written,
// so a whole model's converted copies never coexist,
// header padded with spaces to a multiple of 8 bytes so the data buffer stays 8-aligned.
// Data goes out in bounded chunks (no whole-file buffer) into a temporary file that is renamed
// over the target only once complete (atomic.ts).

import { endianness } from "node:os";
import { writeAll, withAtomicFile } from "./atomic.js";
import {
  DTYPE_BYTES,
  narrowFloat32Bits,
  widenBfloat16,
  widenFloat16,
  type HalfBits,
  type WritableDtype,
} from "./dtypes.js";
import { METADATA_KEY } from "./safetensors-header.js";

/** Values a tensor can be written from. */
export type TensorData = Float32Array | Float64Array | HalfBits;

/**
 * One tensor to write: its values (float32, 16-bit bits or float64; or a function giving them when
 * the tensor's turn comes) and the dtype to store them as. Float64 values go to F64 or F32.
 */
export interface TensorToWrite {
  dtype: WritableDtype | "F64";
  shape: number[];
  data: TensorData | (() => TensorData) | TensorChunks;
}

/** Values produced piece by piece while the tensor is written (e.g. random checkpoints of any size). */
export interface TensorChunks {
  chunks: () => Iterable<TensorData>;
}

export type TensorsToWrite = Record<string, TensorToWrite>;

/** Elements converted per chunk while writing. */
const CHUNK_ELEMENTS = 1024 * 1024;
/** writeSync takes at most 2 GiB − 1 per call; stay well below for F32 passthrough. */
const MAX_DIRECT_WRITE_BYTES = 1024 * 1024 * 1024;

/** Bytes a tensor will occupy in the data buffer. */
export function storedByteLength(tensor: TensorToWrite): number {
  return tensor.shape.reduce((product, dim) => product * dim, 1) * DTYPE_BYTES[tensor.dtype];
}

/** Writes `tensors` (and optional string metadata) to `path` atomically. */
export function writeSafetensors(
  path: string,
  tensors: TensorsToWrite,
  metadata?: Record<string, string>,
): void {
  if (endianness() !== "LE") throw new Error(`${path}: safetensors writing needs a little-endian host`);
  const names = Object.keys(tensors).sort();
  for (const name of names) validateTensor(name, tensors[name], path);
  const header = encodeHeader(names, tensors, metadata, path);
  withAtomicFile(path, (fd) => {
    writeAll(fd, header);
    for (const name of names) writeTensorData(fd, tensors[name], name, path);
  });
}

function validateTensor(name: string, tensor: TensorToWrite, path: string): void {
  const where = `${path}: tensor '${name}'`;
  if (name === METADATA_KEY) throw new Error(`${where}: this name is reserved for metadata`);
  const dtype: string = tensor.dtype;
  if (dtype !== "F32" && dtype !== "F16" && dtype !== "BF16" && dtype !== "F64") {
    throw new Error(`${where}: cannot write dtype ${String(dtype)}, expected F32, F16, BF16 or F64`);
  }
  if (!Array.isArray(tensor.shape) || tensor.shape.some((dim) => !Number.isSafeInteger(dim) || dim < 0)) {
    throw new Error(`${where}: shape ${JSON.stringify(tensor.shape)} must be non-negative integers`);
  }
  if (typeof tensor.data !== "function" && !("chunks" in tensor.data))
    validateData(tensor, tensor.data, where);
}

/** The values fit the shape, and the dtype can be written from them. */
function validateData(tensor: TensorToWrite, data: TensorData, where: string): void {
  const { dtype } = tensor;
  const isHalf = !(data instanceof Float32Array) && !(data instanceof Float64Array);
  if (isHalf && !(data.bits instanceof Uint16Array && (data.dtype === "F16" || data.dtype === "BF16")))
    throw new Error(`${where}: data must be a Float32Array, a Float64Array or F16/BF16 bits`);
  if (dtype === "F64" && !(data instanceof Float64Array))
    throw new Error(`${where}: F64 data must be a Float64Array`);
  if (data instanceof Float64Array && dtype !== "F64" && dtype !== "F32")
    throw new Error(`${where}: float64 data is written as F64 or F32, not ${dtype}`);
  const length = isHalf ? data.bits.length : data.length;
  const elementCount = tensor.shape.reduce((product, dim) => product * dim, 1);
  if (elementCount !== length) {
    throw new Error(
      `${where}: shape [${tensor.shape.join(", ")}] holds ${elementCount} elements but data has ${length}`,
    );
  }
}

/** The 8-byte length prefix followed by the space-padded JSON header. */
function encodeHeader(
  names: string[],
  tensors: TensorsToWrite,
  metadata: Record<string, string> | undefined,
  path: string,
): Uint8Array {
  // Entries are joined by hand so the JSON keeps sorted order (objects list integer-like keys first).
  const entries: string[] = [];
  if (metadata !== undefined) {
    for (const [key, value] of Object.entries(metadata)) {
      if (typeof value !== "string") throw new Error(`${path}: metadata '${key}' must be a string`);
    }
    entries.push(`${JSON.stringify(METADATA_KEY)}:${JSON.stringify(metadata)}`);
  }
  let offset = 0;
  for (const name of names) {
    const tensor = tensors[name];
    const end = offset + storedByteLength(tensor);
    const entry = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, end] };
    entries.push(`${JSON.stringify(name)}:${JSON.stringify(entry)}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${entries.join(",")}}`);
  const paddedLength = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + paddedLength).fill(0x20, 8 + json.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(paddedLength), true);
  bytes.set(json, 8);
  return bytes;
}

function writeTensorData(fd: number, tensor: TensorToWrite, name: string, path: string): void {
  const where = `${path}: tensor '${name}'`;
  if ("chunks" in tensor.data) {
    const expected = tensor.shape.reduce((product, dim) => product * dim, 1);
    let written = 0;
    for (const chunk of tensor.data.chunks()) {
      written +=
        chunk instanceof Float32Array || chunk instanceof Float64Array ? chunk.length : chunk.bits.length;
      if (written > expected)
        throw new Error(`${where}: chunks hold more than the shape's ${expected} elements`);
      writeValues(fd, chunk, tensor.dtype);
    }
    if (written !== expected)
      throw new Error(`${where}: chunks hold ${written} elements, the shape ${expected}`);
    return;
  }
  const data = typeof tensor.data === "function" ? tensor.data() : tensor.data;
  if (typeof tensor.data === "function") validateData(tensor, data, where);
  writeValues(fd, data, tensor.dtype);
}

function writeValues(fd: number, data: TensorData, dtype: WritableDtype | "F64"): void {
  if (
    (data instanceof Float32Array && dtype === "F32") ||
    (data instanceof Float64Array && dtype === "F64")
  ) {
    writeBytes(fd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  } else if (!(data instanceof Float32Array) && !(data instanceof Float64Array) && data.dtype === dtype) {
    writeBytes(fd, new Uint8Array(data.bits.buffer, data.bits.byteOffset, data.bits.byteLength));
  } else {
    writeConverted(fd, data, dtype as WritableDtype);
  }
}

function writeBytes(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; done += MAX_DIRECT_WRITE_BYTES) {
    writeAll(fd, bytes.subarray(done, done + MAX_DIRECT_WRITE_BYTES));
  }
}

/** The bytes `data` is stored as in `dtype` (what writeSafetensors writes for it). */
export function encodeTensor(data: Float32Array | HalfBits, dtype: WritableDtype): Uint8Array {
  const length = data instanceof Float32Array ? data.length : data.bits.length;
  const out = new Uint8Array(length * DTYPE_BYTES[dtype]);
  let at = 0;
  if (data instanceof Float32Array && dtype === "F32")
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  else if (!(data instanceof Float32Array) && data.dtype === dtype)
    out.set(new Uint8Array(data.bits.buffer, data.bits.byteOffset, data.bits.byteLength));
  else
    convertChunks(data, dtype, (bytes) => {
      out.set(bytes, at);
      at += bytes.length;
    });
  return out;
}

/** Converts chunk by chunk through float32: narrowed to F16/BF16, or widened/rounded to F32. */
function writeConverted(fd: number, data: TensorData, dtype: WritableDtype): void {
  convertChunks(data, dtype, (bytes) => writeAll(fd, bytes));
}

function convertChunks(data: TensorData, dtype: WritableDtype, emit: (bytes: Uint8Array) => void): void {
  const length =
    data instanceof Float32Array || data instanceof Float64Array ? data.length : data.bits.length;
  const wide = new Float32Array(Math.min(CHUNK_ELEMENTS, length));
  const narrow = new Uint16Array(wide.length);
  for (let done = 0; done < length; done += wide.length) {
    const count = Math.min(wide.length, length - done);
    const chunk = wide.subarray(0, count);
    if (data instanceof Float32Array || data instanceof Float64Array)
      chunk.set(data.subarray(done, done + count));
    else if (data.dtype === "F16") widenFloat16(data.bits.subarray(done, done + count), chunk, 0);
    else widenBfloat16(data.bits.subarray(done, done + count), new Uint32Array(chunk.buffer, 0, count), 0);
    if (dtype === "F32") {
      emit(new Uint8Array(chunk.buffer, 0, count * 4));
    } else {
      narrowFloat32Bits(new Uint32Array(chunk.buffer, 0, count), narrow, dtype);
      emit(new Uint8Array(narrow.buffer, 0, count * 2));
    }
  }
}
