// Tests for src/tensor/matmul.ts against naive float64 loops: every transpose combination, alpha,
// accumulation into `out` with beta, gram (SYRK) both ways, transpose2d, and shape/dtype errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRng } from "../../src/util/random.js";
import {
  fromArray,
  gram,
  matmul,
  relativeError,
  transpose2d,
  wrap,
  zeros,
  type Tensor,
} from "../../src/tensor/index.js";
import { naiveMatmul, naiveTranspose } from "../native/reference.js";

function randomTensor(seed: number, shape: [number, number], dtype: "f32" | "f64"): Tensor {
  const rng = createRng(seed);
  const data =
    dtype === "f32" ? new Float32Array(shape[0] * shape[1]) : new Float64Array(shape[0] * shape[1]);
  return wrap(rng.fillNormal(data), shape);
}

function reference(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const [aRows, aCols] = a.shape;
  const [bRows, bCols] = b.shape;
  const opA = transA ? naiveTranspose(a.data, aRows, aCols) : Float64Array.from(a.data);
  const opB = transB ? naiveTranspose(b.data, bRows, bCols) : Float64Array.from(b.data);
  const [m, k] = transA ? [aCols, aRows] : [aRows, aCols];
  const n = transB ? bRows : bCols;
  return wrap(naiveMatmul(opA, opB, m, k, n), [m, n]);
}

for (const dtype of ["f32", "f64"] as const) {
  const tolerance = dtype === "f32" ? 1e-5 : 1e-13;

  test(`matmul ${dtype}: all transposes and non-square shapes match the reference`, () => {
    let seed = 10;
    for (const [m, k, n] of [
      [1, 1, 1],
      [3, 7, 2],
      [20, 5, 33],
    ])
      for (const transA of [false, true])
        for (const transB of [false, true]) {
          const a = randomTensor(seed++, transA ? [k, m] : [m, k], dtype);
          const b = randomTensor(seed++, transB ? [n, k] : [k, n], dtype);
          const product = matmul(a, b, { transA, transB });
          assert.ok(product.data instanceof (dtype === "f32" ? Float32Array : Float64Array));
          assert.deepEqual(product.shape, [m, n]);
          const error = relativeError(product, reference(a, b, transA, transB));
          assert.ok(error < tolerance, `m=${m} k=${k} n=${n} transA=${transA} transB=${transB}: ${error}`);
        }
  });

  test(`matmul ${dtype}: alpha, and out = alpha·A·B + beta·out`, () => {
    const a = randomTensor(1, [4, 6], dtype);
    const b = randomTensor(2, [6, 5], dtype);
    const out = randomTensor(3, [4, 5], dtype);
    const before = Float64Array.from(out.data);
    const returned = matmul(a, b, { alpha: 2, out, beta: -0.5 });
    assert.equal(returned, out);
    const product = reference(a, b, false, false);
    const expected = wrap(
      product.data.map((value, i) => 2 * value - 0.5 * before[i]),
      [4, 5],
    );
    assert.ok(relativeError(out, expected) < tolerance);
  });

  test(`gram ${dtype}: A·Aᵀ and Aᵀ·A`, () => {
    const a = randomTensor(4, [7, 3], dtype);
    assert.ok(relativeError(gram(a), reference(a, a, false, true)) < tolerance);
    const g = gram(a, { trans: true, alpha: 0.5 });
    assert.deepEqual(g.shape, [3, 3]);
    const expected = reference(a, a, true, false);
    assert.ok(
      relativeError(
        g,
        wrap(
          expected.data.map((x) => 0.5 * x),
          [3, 3],
        ),
      ) < tolerance,
    );
  });
}

test("transpose2d matches the reference, including sizes that straddle the block", () => {
  for (const [rows, cols] of [
    [1, 1],
    [3, 70],
    [45, 33],
  ]) {
    const a = randomTensor(rows * 100 + cols, [rows, cols], "f32");
    const t = transpose2d(a);
    assert.deepEqual(t.shape, [cols, rows]);
    assert.deepEqual(Array.from(t.data), Array.from(naiveTranspose(a.data, rows, cols)));
  }
});

test("matmul errors name the shapes and dtypes at fault", () => {
  const a = zeros([2, 3], "f64");
  assert.throws(
    () => matmul(a, zeros([2, 3], "f64")),
    /inner dimensions differ: op\(A\) is 2×3 .* op\(B\) is 2×3/,
  );
  assert.doesNotThrow(() => matmul(a, zeros([2, 3], "f64"), { transB: true }));
  assert.throws(
    () => matmul(a as Tensor, zeros([3, 2], "f32") as Tensor),
    /operands must share a dtype, got Float64Array and Float32Array/,
  );
  assert.throws(() => matmul(zeros([6], "f64"), a), /matmul: A must have 2 dimensions, got shape \[6\]/);
  assert.throws(() => matmul(a, zeros([3, 2], "f64"), { beta: 1 }), /beta needs an `out` tensor/);
  assert.throws(
    () => matmul(a, zeros([3, 2], "f64"), { out: zeros([3, 3], "f64") }),
    /out has shape \[3, 3\], the product is \[2, 2\]/,
  );
  assert.deepEqual(Array.from(matmul(fromArray([[1, 2]], "f64"), fromArray([[3], [4]], "f64")).data), [11]);
});
