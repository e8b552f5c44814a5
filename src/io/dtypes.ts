// safetensors element types and the conversions between float32 and the 16-bit float formats.
// IEEE 754 binary16 (F16: 1 sign, 5 exponent, 10 mantissa bits) and bfloat16 (BF16: the upper 16
// bits of a binary32). Narrowing rounds to nearest, ties to even, like a hardware cast;
// widening is exact (subnormals, ±inf and NaN included).

/** Every dtype the safetensors format defines, with its size in bytes. */
export const DTYPE_BYTES = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
} as const;

export type SafetensorsDtype = keyof typeof DTYPE_BYTES;

/** The dtypes locedit can write (converted from float32, or 16-bit bits stored as they are). */
export type WritableDtype = "F32" | "F16" | "BF16";

/** The 16-bit float formats. */
export type HalfDtype = "F16" | "BF16";

/** A tensor kept as its F16 / BF16 bit patterns (read without widening, written without narrowing). */
export interface HalfBits {
  readonly dtype: HalfDtype;
  readonly bits: Uint16Array;
}

export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === "string" && Object.prototype.hasOwnProperty.call(DTYPE_BYTES, value);
}

let float16Table: Float32Array | null = null;

/** float32 value of every binary16 bit pattern (256 KiB, built on first use). */
export function float16ToFloat32Table(): Float32Array {
  if (float16Table !== null) return float16Table;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) table[bits] = float16BitsToNumber(bits);
  float16Table = table;
  return table;
}

/** Exact value of one binary16 bit pattern. */
export function float16BitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  // Subnormals have no implicit leading 1 and the exponent of the smallest normal.
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1024 + mantissa) * 2 ** (exponent - 25);
}

/** binary16 bit pattern nearest to the binary32 with bits `f32Bits` (ties to even; NaN stays NaN). */
export function float32BitsToFloat16Bits(f32Bits: number): number {
  const sign = (f32Bits >>> 16) & 0x8000;
  const exponent = (f32Bits >>> 23) & 0xff;
  let mantissa = f32Bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 | (mantissa >>> 13) : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    // Result is subnormal (or zero): shift the full 24-bit significand into the 10 mantissa bits.
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    const halfway = 1 << (shift - 1);
    const remainder = mantissa & ((1 << shift) - 1);
    let half = mantissa >>> shift;
    if (remainder > halfway || (remainder === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  // A carry out of the mantissa bumps the exponent, which is the correct rounding (up to inf).
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half++;
  return sign | half;
}

/** bfloat16 bit pattern nearest to the binary32 with bits `f32Bits` (ties to even; NaN stays NaN). */
export function float32BitsToBfloat16Bits(f32Bits: number): number {
  if ((f32Bits & 0x7fffffff) > 0x7f800000) return ((f32Bits >>> 16) | 0x40) & 0xffff;
  const roundingBias = 0x7fff + ((f32Bits >>> 16) & 1);
  return ((f32Bits + roundingBias) >>> 16) & 0xffff;
}

/** Widens `count` F16 values from `source` into `target` starting at `targetOffset`. */
export function widenFloat16(source: Uint16Array, target: Float32Array, targetOffset: number): void {
  const table = float16ToFloat32Table();
  for (let i = 0; i < source.length; i++) target[targetOffset + i] = table[source[i]];
}

/** Widens BF16 values into `target` (a Uint32Array view of float32 storage) starting at `targetOffset`. */
export function widenBfloat16(source: Uint16Array, targetBits: Uint32Array, targetOffset: number): void {
  for (let i = 0; i < source.length; i++) targetBits[targetOffset + i] = source[i] << 16;
}

/** Narrows float32 bit patterns into F16 or BF16 bit patterns (same length). */
export function narrowFloat32Bits(source: Uint32Array, target: Uint16Array, dtype: "F16" | "BF16"): void {
  if (dtype === "F16") {
    for (let i = 0; i < source.length; i++) target[i] = float32BitsToFloat16Bits(source[i]);
  } else {
    for (let i = 0; i < source.length; i++) target[i] = float32BitsToBfloat16Bits(source[i]);
  }
}
