// Reading NumPy's .npy format (format versions 1.0, 2.0 and 3.0, as `numpy.save` writes it): the
// magic "\x93NUMPY", a version, a little-endian header length, a Python-literal header
// {'descr': '<f8', 'fortran_order': False, 'shape': (n,)} padded with spaces, then the raw array.
// Only the numeric dtypes a statistics file holds are read (f4, f8, i4, i8, u1); every error names
// the file and what it expected. Used for the TF-IDF `idf.npy` of the ROME/MEMIT consistency metric.
import { readFileSync } from "node:fs";

export interface NpyArray {
  /** NumPy dtype descriptor as written, e.g. "<f8" */
  descr: string;
  shape: number[];
  /** the values in C order, widened to float64 */
  data: Float64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

/** Bytes per element and a reader for each supported little-endian (or byte-order-free) dtype. */
const DTYPES: Record<string, { size: number; read: (view: DataView, offset: number) => number }> = {
  "<f8": { size: 8, read: (v, o) => v.getFloat64(o, true) },
  "<f4": { size: 4, read: (v, o) => v.getFloat32(o, true) },
  "<i8": { size: 8, read: (v, o) => Number(v.getBigInt64(o, true)) },
  "<i4": { size: 4, read: (v, o) => v.getInt32(o, true) },
  "|u1": { size: 1, read: (v, o) => v.getUint8(o) },
};

/** The value of `key` in the header dict, as the raw Python literal text. */
function headerField(header: string, key: string, source: string): string {
  const match = new RegExp(`['"]${key}['"]\\s*:\\s*('[^']*'|"[^"]*"|True|False|\\([^)]*\\))`).exec(header);
  if (!match) throw new Error(`${source}: the .npy header has no '${key}' field: ${header.trim()}`);
  return match[1];
}

/** Parses the bytes of a .npy file; `source` names it in errors. */
export function parseNpy(bytes: Uint8Array, source: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new Error(`${source}: not a .npy file (it does not start with "\\x93NUMPY")`);
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major < 1 || major > 3) throw new Error(`${source}: unsupported .npy format version ${major}`);
  const lengthBytes = major === 1 ? 2 : 4;
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const dataStart = 8 + lengthBytes + headerLength;
  if (dataStart > bytes.length) throw new Error(`${source}: the .npy header runs past the end of the file`);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(
    bytes.subarray(8 + lengthBytes, dataStart),
  );
  const descr = headerField(header, "descr", source).slice(1, -1);
  const dtype = DTYPES[descr === "<u1" ? "|u1" : descr];
  if (!dtype)
    throw new Error(
      `${source}: dtype '${descr}' is not supported (expected one of ${Object.keys(DTYPES).join(", ")})`,
    );
  if (headerField(header, "fortran_order", source) !== "False")
    throw new Error(`${source}: Fortran-ordered arrays are not supported`);
  const shapeText = headerField(header, "shape", source).slice(1, -1);
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const n = Number(s.replace(/L$/, ""));
      if (!Number.isSafeInteger(n) || n < 0)
        throw new Error(`${source}: bad shape entry '${s}' in the header`);
      return n;
    });
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = dataStart + count * dtype.size;
  if (bytes.length !== expected)
    throw new Error(
      `${source}: a ${descr} array of shape (${shape.join(", ")}) needs ${expected} bytes, the file has ${bytes.length}`,
    );
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = dtype.read(view, dataStart + i * dtype.size);
  return { descr, shape, data };
}

/** Reads a .npy file. */
export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseNpy(bytes, path);
}
