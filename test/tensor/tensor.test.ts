// Tests for src/tensor/tensor.ts: construction, shape checks, reshape, clone and dtype conversion.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  clone,
  eye,
  fromArray,
  reshape,
  size,
  toFloat32,
  toFloat64,
  wrap,
  zeros,
  expectRank,
  get2d,
  dtypeOf,
} from "../../src/tensor/index.js";

test("size, zeros and eye", () => {
  assert.equal(size([]), 1);
  assert.equal(size([2, 3, 4]), 24);
  assert.equal(size([5, 0]), 0);
  assert.throws(() => size([2, -1]), /shape \[2, -1\] must hold non-negative integers/);
  assert.throws(() => size([1.5]), /non-negative integers/);
  const z = zeros([2, 3], "f64");
  assert.ok(z.data instanceof Float64Array);
  assert.deepEqual(z.shape, [2, 3]);
  assert.equal(z.data.length, 6);
  assert.ok(zeros([4], "f32").data instanceof Float32Array);
  assert.throws(() => zeros([1], "f16" as "f32"), /dtype must be "f32" or "f64", got "f16"/);
  assert.deepEqual(Array.from(eye(3, "f32").data), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.equal(dtypeOf(eye(1, "f64").data), "f64");
});

test("fromArray: flat with shape, nested, ragged and wrong lengths", () => {
  const flat = fromArray([1, 2, 3, 4, 5, 6], "f32", [2, 3]);
  assert.deepEqual(flat.shape, [2, 3]);
  assert.equal(get2d(flat, 1, 2), 6);
  const nested = fromArray(
    [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ],
    "f64",
  );
  assert.deepEqual(nested.shape, [2, 2, 2]);
  assert.deepEqual(Array.from(nested.data), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(fromArray(new Float32Array([1, 2]), "f64").shape, [2]);
  assert.throws(() => fromArray([[1, 2], [3]], "f64"), /ragged at index 1; expected shape \[2\]/);
  assert.throws(() => fromArray([1, 2, 3], "f64", [2, 2]), /3 values do not fill shape \[2, 2\]/);
  // float32 rounding happens on construction.
  assert.equal(fromArray([0.1], "f32").data[0], Math.fround(0.1));
});

test("wrap shares data and checks length; reshape shares data and infers -1", () => {
  const data = new Float64Array(12);
  const t = wrap(data, [3, 4]);
  assert.equal(t.data, data);
  assert.throws(() => wrap(data, [5, 2]), /12 elements but shape \[5, 2\] needs 10/);
  assert.throws(() => wrap([1, 2] as unknown as Float64Array, [2]), /Float32Array or a Float64Array/);
  const r = reshape(t, [2, -1]);
  assert.deepEqual(r.shape, [2, 6]);
  r.data[0] = 9;
  assert.equal(t.data[0], 9);
  assert.throws(() => reshape(t, [5, -1]), /cannot infer -1/);
  assert.throws(() => reshape(t, [5, 3]), /\[3, 4\] \(12 elements\) cannot become \[5, 3\]/);
  assert.deepEqual(expectRank(t, 2, "t"), [3, 4]);
  assert.throws(() => expectRank(t, 3, "weight W"), /weight W must have 3 dimensions, got shape \[3, 4\]/);
});

test("clone copies; toFloat64/toFloat32 always copy and convert", () => {
  const a = fromArray([1.1, 2.2, 3.3], "f64");
  const c = clone(a);
  c.data[0] = 0;
  assert.equal(a.data[0], 1.1);
  const single = toFloat32(a);
  assert.ok(single.data instanceof Float32Array);
  assert.equal(single.data[1], Math.fround(2.2));
  const double = toFloat64(single);
  assert.ok(double.data instanceof Float64Array);
  assert.equal(double.data[1], Math.fround(2.2));
  const copy = toFloat64(a);
  assert.notEqual(copy.data, a.data);
  assert.deepEqual(copy, a);
});
