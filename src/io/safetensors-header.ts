// Validation of a safetensors header (https://github.com/huggingface/safetensors, "Format"):
// 8-byte little-endian u64 N, then N bytes of UTF-8 JSON
//   { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, ...,
//     "__metadata__"?: { "<key>": "<string value>" } }
// then the data buffer; offsets are relative to the start of that buffer (byte 8 + N).
// Holes between tensors are accepted, overlaps are not. Every error names the file and tensor.

import { DTYPE_BYTES, isSafetensorsDtype, type SafetensorsDtype } from "./dtypes.js";
import { parseJsonText } from "./json-text.js";
import { isPlainObject, jsonPreview } from "./json-values.js";

/** Largest header accepted; real headers are a few hundred KiB even for 70B-parameter models. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export const METADATA_KEY = "__metadata__";

/** One tensor's entry after validation; `begin`/`end` are relative to the data buffer. */
export interface TensorEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  tensors: Map<string, TensorEntry>;
  metadata: Record<string, string>;
}

/**
 * Reads the u64 header length from the first 8 bytes and checks it against the file size.
 * Returns N, the JSON header's byte length.
 */
export function parseHeaderLength(prefix: Uint8Array, fileSize: number, fileName: string): number {
  if (fileSize < 8) {
    throw new Error(
      `${fileName}: not a safetensors file: ${fileSize} bytes, shorter than the 8-byte header length`,
    );
  }
  const view = new DataView(prefix.buffer, prefix.byteOffset, 8);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new Error(
      `${fileName}: safetensors header length ${headerLength} exceeds the ${MAX_HEADER_BYTES}-byte limit ` +
        `(corrupt file or not safetensors)`,
    );
  }
  const length = Number(headerLength);
  if (length > fileSize - 8) {
    throw new Error(
      `${fileName}: safetensors header length ${length} runs past the end of the file (${fileSize} bytes)`,
    );
  }
  if (length < 2) {
    throw new Error(`${fileName}: safetensors header length ${length} is too small for a JSON object`);
  }
  return length;
}

/** Decodes and validates the JSON header against a data buffer of `dataLength` bytes. */
export function parseHeaderJson(
  headerBytes: Uint8Array,
  dataLength: number,
  fileName: string,
): SafetensorsHeader {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    throw new Error(`${fileName}: safetensors header is not valid UTF-8`);
  }
  const parsed = parseJsonText(text, `${fileName}: safetensors header`);
  if (!isPlainObject(parsed)) throw new Error(`${fileName}: safetensors header must be a JSON object`);

  const metadata = parseMetadata(parsed[METADATA_KEY], fileName);
  const tensors = new Map<string, TensorEntry>();
  for (const [name, raw] of Object.entries(parsed)) {
    if (name === METADATA_KEY) continue;
    tensors.set(name, parseTensorEntry(raw, dataLength, `${fileName}: tensor '${name}'`));
  }
  rejectOverlaps(tensors, fileName);
  return { tensors, metadata };
}

function parseMetadata(raw: unknown, fileName: string): Record<string, string> {
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  if (raw === undefined || raw === null) return metadata;
  if (!isPlainObject(raw)) throw new Error(`${fileName}: ${METADATA_KEY} must be an object of strings`);
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== "string") {
      throw new Error(`${fileName}: ${METADATA_KEY}['${key}'] must be a string, got ${jsonPreview(value)}`);
    }
    metadata[key] = value;
  }
  return metadata;
}

function parseTensorEntry(raw: unknown, dataLength: number, where: string): TensorEntry {
  if (!isPlainObject(raw)) throw new Error(`${where}: entry must be an object, got ${jsonPreview(raw)}`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (dtype === undefined) throw new Error(`${where}: missing 'dtype'`);
  if (!isSafetensorsDtype(dtype)) {
    throw new Error(
      `${where}: unknown dtype ${jsonPreview(dtype)}, expected one of ${Object.keys(DTYPE_BYTES).join(", ")}`,
    );
  }
  if (!Array.isArray(shape)) {
    throw new Error(`${where}: 'shape' must be an array of integers, got ${jsonPreview(shape)}`);
  }
  let elementCount = 1;
  for (const dim of shape) {
    if (typeof dim !== "number" || !Number.isSafeInteger(dim) || dim < 0) {
      throw new Error(
        `${where}: shape ${jsonPreview(shape)} has a dimension that is not a non-negative integer`,
      );
    }
    elementCount *= dim;
  }
  if (!Number.isSafeInteger(elementCount)) {
    throw new Error(`${where}: shape ${jsonPreview(shape)} is absurdly large`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw new Error(`${where}: 'data_offsets' must be [begin, end], got ${jsonPreview(offsets)}`);
  }
  const [begin, end] = offsets as unknown[];
  if (typeof begin !== "number" || typeof end !== "number" || !isOffset(begin) || !isOffset(end)) {
    throw new Error(`${where}: data_offsets ${jsonPreview(offsets)} must be non-negative integers`);
  }
  if (begin > end) throw new Error(`${where}: data_offsets [${begin}, ${end}] has begin > end`);
  if (end > dataLength) {
    throw new Error(
      `${where}: data_offsets [${begin}, ${end}] run past the data buffer (${dataLength} bytes)`,
    );
  }
  const expectedBytes = elementCount * DTYPE_BYTES[dtype];
  if (end - begin !== expectedBytes) {
    throw new Error(
      `${where}: data_offsets [${begin}, ${end}] span ${end - begin} bytes, but shape [${shape.join(", ")}] ` +
        `of ${dtype} needs ${expectedBytes}`,
    );
  }
  return { dtype, shape: shape.slice() as number[], begin, end };
}

/** Sorts the non-empty tensors by begin and checks each ends before the next starts. */
function rejectOverlaps(tensors: Map<string, TensorEntry>, fileName: string): void {
  const ranges = [...tensors].filter(([, entry]) => entry.end > entry.begin);
  ranges.sort(([, a], [, b]) => a.begin - b.begin);
  for (let i = 1; i < ranges.length; i++) {
    const [previousName, previous] = ranges[i - 1];
    const [name, entry] = ranges[i];
    if (entry.begin < previous.end) {
      throw new Error(
        `${fileName}: tensor '${name}' (bytes ${entry.begin}–${entry.end}) overlaps tensor '${previousName}' ` +
          `(bytes ${previous.begin}–${previous.end})`,
      );
    }
  }
}

function isOffset(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
