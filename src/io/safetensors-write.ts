// safetensors writer (format in safetensors-header.ts): float32 data narrowed to F32, F16 or
// BF16 (round to nearest, ties to even), or float64 data stored as F64 (statistics sums), tensors
// laid out in sorted name order with no holes,
// header padded with spaces to a multiple of 8 bytes so the data buffer stays 8-aligned.
// Data goes out in bounded chunks (no whole-file buffer) into a temporary file that is renamed
// over the target only once complete (atomic.ts).

import { endianness } from "node:os";
import { writeAll, withAtomicFile } from "./atomic.js";
import { DTYPE_BYTES, narrowFloat32Bits, type WritableDtype } from "./dtypes.js";
import { METADATA_KEY } from "./safetensors-header.js";

/** One tensor to write: float32 values and the dtype to store them as, or float64 values as F64. */
export type TensorToWrite =
  | { dtype: WritableDtype; shape: number[]; data: Float32Array }
  | { dtype: "F64"; shape: number[]; data: Float64Array };

export type TensorsToWrite = Record<string, TensorToWrite>;

/** Elements converted per chunk while writing. */
const CHUNK_ELEMENTS = 1024 * 1024;
/** writeSync takes at most 2 GiB − 1 per call; stay well below for F32 passthrough. */
const MAX_DIRECT_WRITE_BYTES = 1024 * 1024 * 1024;

/** Bytes a tensor will occupy in the data buffer. */
export function storedByteLength(tensor: TensorToWrite): number {
  return tensor.data.length * DTYPE_BYTES[tensor.dtype];
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
    for (const name of names) writeTensorData(fd, tensors[name]);
  });
}

function validateTensor(name: string, tensor: TensorToWrite, path: string): void {
  const where = `${path}: tensor '${name}'`;
  if (name === METADATA_KEY) throw new Error(`${where}: this name is reserved for metadata`);
  const dtype: string = tensor.dtype;
  if (dtype !== "F32" && dtype !== "F16" && dtype !== "BF16" && dtype !== "F64") {
    throw new Error(`${where}: cannot write dtype ${String(dtype)}, expected F32, F16, BF16 or F64`);
  }
  if (dtype === "F64" && !(tensor.data instanceof Float64Array))
    throw new Error(`${where}: F64 data must be a Float64Array`);
  if (dtype !== "F64" && !(tensor.data instanceof Float32Array))
    throw new Error(`${where}: data must be a Float32Array`);
  if (!Array.isArray(tensor.shape) || tensor.shape.some((dim) => !Number.isSafeInteger(dim) || dim < 0)) {
    throw new Error(`${where}: shape ${JSON.stringify(tensor.shape)} must be non-negative integers`);
  }
  const elementCount = tensor.shape.reduce((product, dim) => product * dim, 1);
  if (elementCount !== tensor.data.length) {
    throw new Error(
      `${where}: shape [${tensor.shape.join(", ")}] holds ${elementCount} elements but data has ${tensor.data.length}`,
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

function writeTensorData(fd: number, tensor: TensorToWrite): void {
  if (tensor.dtype === "F32" || tensor.dtype === "F64") {
    const data = tensor.data;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    for (let done = 0; done < bytes.length; done += MAX_DIRECT_WRITE_BYTES) {
      writeAll(fd, bytes.subarray(done, done + MAX_DIRECT_WRITE_BYTES));
    }
    return;
  }
  const { data, dtype } = tensor;
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const scratch = new Uint16Array(Math.min(CHUNK_ELEMENTS, data.length));
  for (let done = 0; done < data.length; done += scratch.length) {
    const count = Math.min(scratch.length, data.length - done);
    const target = scratch.subarray(0, count);
    narrowFloat32Bits(bits.subarray(done, done + count), target, dtype);
    writeAll(fd, new Uint8Array(target.buffer, 0, count * 2));
  }
}
