// The 16-bit float kernels (native/half.c, half-convert.c): widening of every F16 and BF16 bit
// pattern against the exact TypeScript conversions (vector and plain C paths, odd offsets and
// tails), and gemmHalf against a float64 triple loop over the exactly widened B, for every
// transpose, strides, offsets, alpha/beta, odd sizes, one-row/one-column products and shapes that
// cross panel boundaries (the small 1 MiB panels of few-row products and the large 8 MiB ones).
// Tolerance: the float32 GEMM bound 2·(k + 2)·ε₃₂·(|α|·Σ|a·b| + |β·c|), as for sgemm in blas.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { native, type HalfDtype } from "../../src/native/binding.js";
import {
  float16BitsToNumber,
  float32BitsToBfloat16Bits,
  float32BitsToFloat16Bits,
} from "../../src/io/dtypes.js";
import { createRng, type Rng } from "../../src/util/random.js";

const EPS32 = 2 ** -23;

const bf16Scratch = new Uint32Array(1);
const bf16Value = new Float32Array(bf16Scratch.buffer);

/** Exact value of a 16-bit pattern. */
function valueOf(dtype: HalfDtype, bits: number): number {
  if (dtype === "F16") return float16BitsToNumber(bits);
  bf16Scratch[0] = bits << 16;
  return bf16Value[0];
}

/** n random N(0, 1) values rounded to the 16-bit dtype, as bit patterns. */
function randomHalf(rng: Rng, dtype: HalfDtype, n: number): Uint16Array {
  const values = rng.fillNormal(new Float32Array(n));
  const bits = new Uint32Array(values.buffer);
  const narrow = dtype === "F16" ? float32BitsToFloat16Bits : float32BitsToBfloat16Bits;
  return Uint16Array.from(bits, (b) => narrow(b));
}

for (const dtype of ["F16", "BF16"] as const) {
  test(`widenHalf ${dtype}: every bit pattern, vector and plain C paths, at odd offsets`, () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    for (const portable of [false, true]) {
      const out = new Float32Array(65536 + 5);
      // offset 3 into the source and 5 into the target: unaligned starts and a ragged vector tail
      native.widenHalf(dtype, all, 3, out, 5, 65533, portable);
      for (let i = 3; i < 65536; i++) {
        const expected = valueOf(dtype, i);
        const got = out[5 + i - 3];
        if (Number.isNaN(expected)) assert.ok(Number.isNaN(got), `${dtype} ${i.toString(16)}: NaN expected`);
        else
          assert.ok(
            Object.is(got, expected),
            `${dtype} 0x${i.toString(16)}: ${got} ≠ ${expected} (portable ${portable})`,
          );
      }
      assert.deepEqual(
        Array.from(out.subarray(0, 5)),
        [0, 0, 0, 0, 0],
        "elements before the target offset were written",
      );
    }
  });
}

test("halfFeatures names the widening path of each dtype", () => {
  const f = native.halfFeatures();
  assert.ok(["avx512f", "f16c", "c"].includes(f.f16Path), f.f16Path);
  assert.ok(["avx512f", "avx2", "c"].includes(f.bf16Path), f.bf16Path);
  if (f.f16Path === "f16c") assert.ok(f.f16c);
});

/**
 * [m, n, k]: odd sizes, one row / one column (GEMV inside each panel), and shapes past one panel:
 * few rows (m ≤ 16, panels of 2^18 floats) and many rows (2^21 floats).
 */
const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [3, 5, 7],
  [17, 4, 9],
  [1, 37, 19],
  [23, 1, 15],
  [5, 400, 700], // n·k = 280,000 > 2^18: two panels either way
  [1, 600, 500], // one row, two panels
  [4, 1, 270_000], // one column, op(B) = B split along k
  [17, 700, 3100], // many rows: n·k = 2.17 M > 2^21
];

function checkGemmHalf(
  rng: Rng,
  dtype: HalfDtype,
  [m, n, k]: [number, number, number],
  transA: boolean,
  transB: boolean,
) {
  const padA = 1 + rng.int(3);
  const padB = rng.int(3);
  const padC = rng.int(3);
  const [aRows, aCols] = transA ? [k, m] : [m, k];
  const [bRows, bCols] = transB ? [n, k] : [k, n];
  const lda = aCols + padA;
  const ldb = bCols + padB;
  const ldc = n + padC;
  const aOff = rng.int(4);
  const bOff = rng.int(4);
  const cOff = rng.int(4);
  const a = rng.fillNormal(new Float32Array(aOff + (aRows - 1) * lda + aCols + 2));
  const b = randomHalf(rng, dtype, bOff + (bRows - 1) * ldb + bCols + 2);
  const c = rng.fillNormal(new Float32Array(cOff + (m - 1) * ldc + n + 2));
  const before = Float32Array.from(c);
  const alpha = 0.5 + rng.next();
  const beta = rng.next() < 0.25 ? 0 : rng.next() - 0.5;
  // op(A) as m rows of k and op(B)ᵀ as n rows of k, float64, so the reference loop runs over contiguous memory
  const rowsA = new Float64Array(m * k);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) rowsA[i * k + p] = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
  const colsB = new Float64Array(n * k);
  for (let j = 0; j < n; j++)
    for (let p = 0; p < k; p++)
      colsB[j * k + p] = valueOf(dtype, transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
  native.gemmHalf(dtype, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
  const label = `${dtype} m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      let sumAbs = 0;
      for (let p = 0; p < k; p++) {
        const product = rowsA[i * k + p] * colsB[j * k + p];
        sum += product;
        sumAbs += Math.abs(product);
      }
      const old = before[cOff + i * ldc + j];
      const expected = alpha * sum + beta * old;
      const bound = 2 * (k + 2) * EPS32 * (alpha * sumAbs + Math.abs(beta * old));
      const error = Math.abs(c[cOff + i * ldc + j] - expected);
      if (!(error <= bound)) assert.fail(`${label}: C[${i},${j}] off by ${error} (bound ${bound})`);
    }
  // padding between rows and around C is untouched
  for (let index = 0; index < c.length; index++) {
    const row = Math.floor((index - cOff) / ldc);
    const col = (index - cOff) % ldc;
    const inside = index >= cOff && row < m && col < n;
    if (!inside)
      assert.equal(c[index], before[index], `${label}: C[${index}] outside the window was written`);
  }
}

test("gemmHalf matches a float64 triple loop over the widened B: all transposes, strides, panels", () => {
  const rng = createRng(4242);
  for (const shape of SHAPES) {
    const big = shape[0] * shape[1] * shape[2] > 1_000_000;
    for (const transA of [false, true])
      for (const transB of [false, true])
        for (const dtype of ["F16", "BF16"] as const) {
          // the largest shapes run twice (both layouts of B, one dtype each) to keep the test short
          if (big && (transA || (dtype === "F16") !== transB)) continue;
          checkGemmHalf(rng, dtype, shape, transA, transB);
        }
  }
});

test("gemmHalf: k = 0 scales C by beta, beta = 0 ignores NaN in C", () => {
  const a = new Float32Array([1, 2, 3, 4]);
  const b = new Uint16Array([0x3c00, 0x4000, 0x4200, 0x4400]); // F16 1, 2, 3, 4
  const c = new Float32Array([NaN, NaN, NaN, NaN]);
  native.gemmHalf("F16", false, false, 2, 2, 2, 1, a, 0, 2, b, 0, 2, 0, c, 0, 2);
  assert.deepEqual(Array.from(c), [7, 10, 15, 22]);
  native.gemmHalf("F16", false, false, 2, 2, 0, 1, a, 0, 1, b, 0, 2, 0.5, c, 0, 2);
  assert.deepEqual(Array.from(c), [3.5, 5, 7.5, 11]);
});

test("gemmHalf rejects a wrong dtype, a Float32Array B and a B too short for its shape", () => {
  const a = new Float32Array(4);
  const c = new Float32Array(4);
  assert.throws(
    () =>
      native.gemmHalf(
        "F8" as HalfDtype,
        false,
        false,
        2,
        2,
        2,
        1,
        a,
        0,
        2,
        new Uint16Array(4),
        0,
        2,
        0,
        c,
        0,
        2,
      ),
    /gemmHalf: argument 'dtype' must be "F16" or "BF16"/,
  );
  assert.throws(
    () =>
      native.gemmHalf(
        "BF16",
        false,
        false,
        2,
        2,
        2,
        1,
        a,
        0,
        2,
        a as unknown as Uint16Array,
        0,
        2,
        0,
        c,
        0,
        2,
      ),
    /gemmHalf: argument 'b' must be a Uint16Array/,
  );
  assert.throws(
    () => native.gemmHalf("BF16", false, true, 2, 2, 2, 1, a, 0, 2, new Uint16Array(3), 0, 2, 0, c, 0, 2),
    /gemmHalf: matrix 'b' \(2 x 2, ld 2, offset 0\) needs 4 elements, array has 3/,
  );
});
