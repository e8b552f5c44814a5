// Tests for src/io/dtypes.ts against references built independently here: the F16 value ladder
// (each value = previous + ulp), nearest-value search with ties to even for F16 narrowing, and
// a float64 comparison of the two BF16 neighbours for BF16 narrowing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRng } from "../../src/util/random.js";
import {
  float16ToFloat32Table,
  float32BitsToBfloat16Bits,
  float32BitsToFloat16Bits,
  narrowFloat32Bits,
} from "../../src/io/dtypes.js";

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function bitsOf(value: number): number {
  f32[0] = value;
  return u32[0];
}
function valueOfBits(bits: number): number {
  u32[0] = bits >>> 0;
  return f32[0];
}

/** Non-negative finite F16 values indexed by bit pattern 0 … 0x7bff, built by adding one ulp at a time. */
function float16Ladder(): number[] {
  const values = [0];
  for (let bits = 1; bits <= 0x7bff; bits++) {
    const previousExponent = (bits - 1) >> 10;
    values.push(values[bits - 1] + 2 ** (Math.max(previousExponent, 1) - 25));
  }
  return values;
}
const LADDER = float16Ladder();

function referenceFloat16Bits(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const magnitude = Math.abs(x);
  if (magnitude >= 65520) return sign | 0x7c00; // halfway between 65504 and 2^16 rounds to even: inf
  let low = 0;
  let high = LADDER.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >> 1;
    if (LADDER[middle] <= magnitude) low = middle;
    else high = middle;
  }
  if (LADDER[high] <= magnitude) low = high;
  if (low === LADDER.length - 1) return sign | low;
  const below = magnitude - LADDER[low];
  const above = LADDER[low + 1] - magnitude;
  const chosen = below < above ? low : above < below ? low + 1 : low % 2 === 0 ? low : low + 1;
  return sign | chosen;
}

function referenceBfloat16Bits(x: number): number {
  const bits = bitsOf(x);
  if (!Number.isFinite(x)) return bits >>> 16;
  const truncated = (bits & 0xffff0000) >>> 0;
  const truncatedValue = valueOfBits(truncated);
  // The next bf16 away from zero; past the largest finite one it stands for ±2^128 (rounds to inf).
  const nextBits = truncated + 0x10000;
  const nextExponent = (nextBits >>> 23) & 0xff;
  const nextValue = nextExponent === 0xff ? Math.sign(x) * 2 ** 128 : valueOfBits(nextBits);
  const below = Math.abs(x - truncatedValue);
  const above = Math.abs(nextValue - x);
  const pickTruncated = below < above || (below === above && ((truncated >>> 16) & 1) === 0);
  return (pickTruncated ? truncated : nextBits) >>> 16;
}

test("F16 widening: pinned values, the full ladder, signs, inf and NaN", () => {
  const table = float16ToFloat32Table();
  const pinned: [number, number][] = [
    [0x0000, 0],
    [0x0001, 5.960464477539063e-8],
    [0x03ff, 6.097555160522461e-5],
    [0x0400, 6.103515625e-5],
    [0x3555, 0.333251953125],
    [0x3c00, 1],
    [0x3c01, 1.0009765625],
    [0xc000, -2],
    [0x7bff, 65504],
    [0x7c00, Infinity],
    [0xfc00, -Infinity],
  ];
  for (const [bits, value] of pinned) assert.equal(table[bits], value, `bits 0x${bits.toString(16)}`);
  assert.ok(Object.is(table[0x8000], -0));
  for (let bits = 0; bits <= 0x7bff; bits++) {
    assert.equal(table[bits], LADDER[bits]);
    assert.equal(table[bits | 0x8000], -LADDER[bits]);
  }
  for (let mantissa = 1; mantissa < 0x400; mantissa++) {
    assert.ok(Number.isNaN(table[0x7c00 | mantissa]) && Number.isNaN(table[0xfc00 | mantissa]));
  }
});

test("F16 narrowing rounds to nearest, ties to even, on edge cases, exact midpoints and random floats", () => {
  const cases = [0, -0, 1, -1, 65504, 65519.99, 65520, 65536, 1e9, -1e9, Infinity, -Infinity, 1e-8, 2.98e-8];
  cases.push(2 ** -25, 2 ** -25 * 1.0000001, 2 ** -24, 3 * 2 ** -25, 6.1e-5, 1.401298464324817e-45);
  // Exact midpoints between neighbours (ties) and the float32 values either side of each.
  for (let bits = 0; bits < 0x7bff; bits += 7) {
    const middle = Math.fround((LADDER[bits] + LADDER[bits + 1]) / 2);
    const middleBits = bitsOf(middle);
    cases.push(middle, valueOfBits(middleBits + 1), valueOfBits(middleBits - 1), -middle);
  }
  const rng = createRng(2024);
  for (let i = 0; i < 100000; i++) cases.push(valueOfBits(Math.floor(rng.next() * 2 ** 32)));
  for (let i = 0; i < 20000; i++) cases.push(Math.fround((rng.next() - 0.5) * 2 ** (rng.int(50) - 30)));
  for (const x of cases) {
    const got = float32BitsToFloat16Bits(bitsOf(x));
    const expected = referenceFloat16Bits(Math.fround(x));
    if (Number.isNaN(expected)) assert.ok((got & 0x7c00) === 0x7c00 && (got & 0x3ff) !== 0, `NaN for ${x}`);
    else assert.equal(got, expected, `x = ${x} (bits 0x${bitsOf(x).toString(16)})`);
  }
});

test("BF16 narrowing rounds to nearest, ties to even; widening is exact", () => {
  const cases = [0, -0, 1, -1, 3.3895313892515355e38, 3.4028234663852886e38, -3.4e38, Infinity, -Infinity];
  cases.push(1 + 2 ** -8, 1 + 3 * 2 ** -8, 1 + 2 ** -8 + 2 ** -23, 1e-40, -1e-45);
  const rng = createRng(99);
  for (let i = 0; i < 100000; i++) cases.push(valueOfBits(Math.floor(rng.next() * 2 ** 32)));
  for (const x of cases) {
    const got = float32BitsToBfloat16Bits(bitsOf(x));
    if (Number.isNaN(Math.fround(x))) {
      assert.ok(Number.isNaN(valueOfBits(got << 16)), `NaN stays NaN (0x${bitsOf(x).toString(16)})`);
      continue;
    }
    assert.equal(got, referenceBfloat16Bits(Math.fround(x)), `x = ${x}`);
  }
  // Widening by the upper 16 bits is exact: narrowing a bf16-representable value is the identity.
  for (let bits = 0; bits < 65536; bits += 3) {
    if (Number.isNaN(valueOfBits(bits << 16))) continue;
    assert.equal(float32BitsToBfloat16Bits((bits << 16) >>> 0), bits);
  }
});

test("narrowFloat32Bits converts whole arrays with the scalar rules", () => {
  const values = new Float32Array([0.1, -2.5, 70000, 1e-7, Number.NaN]);
  const source = new Uint32Array(values.buffer);
  const half = new Uint16Array(values.length);
  const brain = new Uint16Array(values.length);
  narrowFloat32Bits(source, half, "F16");
  narrowFloat32Bits(source, brain, "BF16");
  for (let i = 0; i < values.length; i++) {
    assert.equal(half[i], float32BitsToFloat16Bits(source[i]));
    assert.equal(brain[i], float32BitsToBfloat16Bits(source[i]));
  }
  assert.equal(half[2], 0x7c00);
});
