// Checks the addon's general LU solve (gesv), float32 and float64: A·X ≈ B for random
// non-symmetric A against a float64 Gaussian-elimination reference, padded leading dimensions,
// the returned condition estimate, and errors for singular and non-finite input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { native } from "../../src/native/binding.js";
import { createRng } from "../../src/util/random.js";
import {
  epsilonOf,
  maxAbs,
  naiveMatmul,
  naiveSolve,
  type FloatArray,
  type FloatArrayConstructor,
  padded,
  unpadded,
} from "./reference.js";

type AnyGesv = (n: number, nrhs: number, a: FloatArray, lda: number, b: FloatArray, ldb: number) => number;

const dtypes: Array<{ name: string; ArrayType: FloatArrayConstructor; gesv: AnyGesv }> = [
  { name: "f32", ArrayType: Float32Array, gesv: native.sgesv as AnyGesv },
  { name: "f64", ArrayType: Float64Array, gesv: native.dgesv as AnyGesv },
];

for (const { name, ArrayType, gesv } of dtypes) {
  test(`${name}gesv solves a non-symmetric A·X = B like Gaussian elimination`, () => {
    const rng = createRng(4242);
    const eps = epsilonOf(ArrayType);
    for (const [n, nrhs] of [
      [1, 1],
      [2, 3],
      [9, 1],
      [60, 8],
    ]) {
      // Gaussian A plus a diagonal shift: well conditioned, clearly non-symmetric. Rounded to the
      // working precision so the reference sees exactly what LAPACK sees.
      const dense = rng.fillNormal(new Float64Array(n * n));
      for (let i = 0; i < n; i++) dense[i * n + i] += 2 * Math.sqrt(n);
      const a = Float64Array.from(ArrayType.from(dense));
      const b = Float64Array.from(ArrayType.from(rng.fillNormal(new Float64Array(n * nrhs))));
      const [lda, ldb] = [n + rng.int(3), nrhs + rng.int(3)];
      const factors = padded(ArrayType, a, n, n, lda);
      const solution = padded(ArrayType, b, n, nrhs, ldb);
      const rcond = gesv(n, nrhs, factors, lda, solution, ldb);
      assert.ok(rcond > 0.01 && rcond <= 1, `n=${n}: rcond ${rcond}`);
      for (let i = 0; i < n; i++) {
        for (let j = n; j < lda; j++) assert.equal(factors[i * lda + j], 777, `n=${n}: a's padding written`);
        for (let j = nrhs; j < ldb; j++) assert.equal(solution[i * ldb + j], 777, `n=${n}: b's padding`);
      }
      const x = unpadded(solution, n, nrhs, ldb);
      const expected = naiveSolve(a, b, n, nrhs);
      const error = maxAbs(x.map((value, index) => value - expected[index]));
      assert.ok(error <= 100 * n * eps * maxAbs(expected), `n=${n}: |X − X_ref| = ${error}`);
      const residual = maxAbs(naiveMatmul(a, x, n, n, nrhs).map((value, index) => value - b[index]));
      const bound = 16 * n * eps * maxAbs(a) * n * maxAbs(x);
      assert.ok(residual <= bound, `n=${n} nrhs=${nrhs}: |A·X − B| = ${residual} > ${bound}`);
    }
  });

  test(`${name}gesv reports the condition of a nearly singular A and rejects a singular one`, () => {
    const nearly = new ArrayType([1, 2, 2, 4 + (ArrayType === Float32Array ? 1e-3 : 1e-9)]);
    const rcond = gesv(2, 1, nearly, 2, new ArrayType(2), 1);
    assert.ok(rcond > 0 && rcond < 1e-3, `rcond ${rcond}`);
    assert.throws(
      () => gesv(2, 1, new ArrayType([1, 2, 2, 4]), 2, new ArrayType(2), 1),
      /gesv: matrix 'a' is singular: U\(1,1\) of its LU factorisation is exactly zero \(LAPACK info 2\)/,
    );
    assert.throws(() => gesv(3, 1, new ArrayType(9), 3, new ArrayType(3), 1), /LAPACK info 1\)/);
  });

  test(`${name}gesv rejects NaN/Inf, short arrays and small leading dimensions by name`, () => {
    const eye = () => new ArrayType([1, 0, 0, 1]);
    assert.throws(
      () => gesv(2, 1, new ArrayType([1, NaN, 0, 1]), 2, new ArrayType(2), 1),
      /gesv: matrix 'a' has a non-finite entry nan at \(0, 1\); LAPACK needs finite input/,
    );
    assert.throws(
      () => gesv(2, 1, eye(), 2, new ArrayType([0, -Infinity]), 1),
      /gesv: matrix 'b' has a non-finite entry -inf at \(1, 0\)/,
    );
    assert.throws(
      () => gesv(2, 1, new ArrayType(3), 2, new ArrayType(2), 1),
      /matrix 'a' .* needs 4 elements/,
    );
    assert.throws(() => gesv(2, 2, eye(), 2, new ArrayType(3), 2), /matrix 'b' .* needs 4 elements/);
    assert.throws(
      () => gesv(2, 1, eye(), 1, new ArrayType(2), 1),
      /matrix 'a': leading dimension 1 is smaller/,
    );
    assert.throws(() => gesv(-1, 1, eye(), 2, new ArrayType(2), 1), /matrix 'a' has a negative size/);
    assert.equal(gesv(0, 1, new ArrayType(0), 1, new ArrayType(0), 1), 1);
  });
}

test("gesv: a Float64Array passed to sgesv is rejected by name", () => {
  const untyped = native as unknown as Record<string, (...args: unknown[]) => unknown>;
  assert.throws(
    () => untyped.sgesv(1, 1, new Float64Array(1), 1, new Float32Array(1), 1),
    /sgesv: argument 'a' must be a Float32Array/,
  );
  assert.throws(() => untyped.dgesv(1, 1), /dgesv: expected 6 arguments, got 2/);
});
