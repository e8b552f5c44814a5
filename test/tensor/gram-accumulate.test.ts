// Tests for gram's accumulation into `out` (out = alpha·Aᵀ·A + beta·out, the form of MEMIT's
// λ·C0 + K Kᵀ and of the statistics' running Σ k kᵀ) and for trace, against naive float64 loops.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRng } from "../../src/util/random.js";
import { gram, relativeError, trace, wrap, zeros, type Tensor } from "../../src/tensor/index.js";
import { naiveMatmul, naiveTranspose } from "../native/reference.js";

function random(seed: number, shape: [number, number], dtype: "f32" | "f64"): Tensor {
  const data =
    dtype === "f32" ? new Float32Array(shape[0] * shape[1]) : new Float64Array(shape[0] * shape[1]);
  return wrap(createRng(seed).fillNormal(data), shape);
}

/** A symmetric n×n matrix S + Sᵀ. */
function symmetric(seed: number, n: number, dtype: "f32" | "f64"): Tensor {
  const s = random(seed, [n, n], dtype);
  const out = zeros([n, n], dtype);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) out.data[i * n + j] = s.data[i * n + j] + s.data[j * n + i];
  return out;
}

for (const dtype of ["f32", "f64"] as const) {
  // float32: a few rounding steps of a 6-term sum of O(1) values, relative to an O(1) result
  const tolerance = dtype === "f32" ? 1e-5 : 1e-13;

  test(`gram ${dtype}: out = alpha·Aᵀ·A + beta·out, and A·Aᵀ + out`, () => {
    const a = random(1, [6, 4], dtype);
    const out = symmetric(2, 4, dtype);
    const before = Float64Array.from(out.data);
    const returned = gram(a, { trans: true, alpha: 2, out, beta: -0.5 });
    assert.equal(returned, out);
    const ata = naiveMatmul(naiveTranspose(a.data, 6, 4), Float64Array.from(a.data), 4, 6, 4);
    const expected = wrap(
      ata.map((x, i) => 2 * x - 0.5 * before[i]),
      [4, 4],
    );
    assert.ok(relativeError(out, expected) < tolerance, `${relativeError(out, expected)}`);

    const b = random(3, [3, 5], dtype);
    const acc = symmetric(4, 3, dtype);
    const accBefore = Float64Array.from(acc.data);
    gram(b, { out: acc, beta: 1 });
    const bbt = naiveMatmul(Float64Array.from(b.data), naiveTranspose(b.data, 3, 5), 3, 5, 3);
    const accExpected = wrap(
      bbt.map((x, i) => x + accBefore[i]),
      [3, 3],
    );
    assert.ok(relativeError(acc, accExpected) < tolerance);
  });
}

test("gram rejects beta without out, a wrong out shape or dtype", () => {
  const a = random(5, [4, 3], "f64");
  assert.throws(() => gram(a, { beta: 1 }), /beta needs an `out`/);
  assert.throws(
    () => gram(a, { trans: true, out: zeros([4, 4], "f64") }),
    /out has shape \[4, 4\], the product is \[3, 3\]/,
  );
  assert.throws(
    () => gram(a, { trans: true, out: zeros([3, 3], "f32") as unknown as Tensor<Float64Array> }),
    /dtype/,
  );
});

test("trace sums the diagonal and rejects a non-square matrix", () => {
  assert.equal(trace(wrap(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), [3, 3])), 15);
  assert.equal(trace(zeros([0, 0], "f32")), 0);
  assert.throws(() => trace(zeros([2, 3], "f64")), /square/);
});
