// Checks the addon's Cholesky factorisation (potrf) and solve (potrs), float32 and float64:
// L is lower triangular with L·Lᵀ ≈ A, A·X ≈ B after the solve, and a matrix that is not positive
// definite is rejected with an error that says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { native } from "../../src/native/binding.js";
import { createRng } from "../../src/util/random.js";
import {
  epsilonOf,
  maxAbs,
  naiveMatmul,
  naiveTranspose,
  randomSpd,
  type FloatArray,
  type FloatArrayConstructor,
  padded,
  unpadded,
} from "./reference.js";

type AnyPotrf = (n: number, a: FloatArray, lda: number) => void;
type AnyPotrs = (n: number, nrhs: number, l: FloatArray, ldl: number, b: FloatArray, ldb: number) => void;

const dtypes: Array<{ name: string; ArrayType: FloatArrayConstructor; potrf: AnyPotrf; potrs: AnyPotrs }> = [
  {
    name: "f32",
    ArrayType: Float32Array,
    potrf: native.spotrf as AnyPotrf,
    potrs: native.spotrs as AnyPotrs,
  },
  {
    name: "f64",
    ArrayType: Float64Array,
    potrf: native.dpotrf as AnyPotrf,
    potrs: native.dpotrs as AnyPotrs,
  },
];

for (const { name, ArrayType, potrf, potrs } of dtypes) {
  test(`${name}potrf gives lower-triangular L with L·Lᵀ ≈ A; ${name}potrs solves A·X = B`, () => {
    const rng = createRng(3003);
    const eps = epsilonOf(ArrayType);
    for (const [n, nrhs] of [
      [1, 1],
      [2, 3],
      [7, 1],
      [50, 9],
    ]) {
      // Round A to the working precision first, so the reference sees exactly what LAPACK sees.
      const a = Float64Array.from(ArrayType.from(randomSpd(rng, n)));
      const lda = n + rng.int(3);
      const factor = padded(ArrayType, a, n, n, lda);
      potrf(n, factor, lda);
      const l = unpadded(factor, n, n, lda);
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++)
          assert.equal(l[i * n + j], 0, `n=${n}: L[${i},${j}] above the diagonal`);
        for (let j = n; j < lda; j++) assert.equal(factor[i * lda + j], 777, `n=${n}: padding written`);
      }
      const llt = naiveMatmul(l, naiveTranspose(l, n, n), n, n, n);
      const factorError = maxAbs(llt.map((value, index) => value - a[index]));
      assert.ok(factorError <= 4 * n * eps * maxAbs(a), `n=${n}: |L·Lᵀ − A| = ${factorError}`);

      const b = Float64Array.from(ArrayType.from(rng.fillNormal(new Float64Array(n * nrhs))));
      const ldb = nrhs + rng.int(3);
      const solution = padded(ArrayType, b, n, nrhs, ldb);
      potrs(n, nrhs, factor, lda, solution, ldb);
      const x = unpadded(solution, n, nrhs, ldb);
      const ax = naiveMatmul(a, x, n, n, nrhs);
      const residual = maxAbs(ax.map((value, index) => value - b[index]));
      // Backward-stable solve: |A·X − B| ≲ c·n·ε·|A|·|X|.
      const bound = 16 * n * eps * maxAbs(a) * n * maxAbs(x);
      assert.ok(residual <= bound, `n=${n} nrhs=${nrhs}: |A·X − B| = ${residual} > ${bound}`);
    }
  });

  test(`${name}potrf rejects matrices that are not positive definite`, () => {
    const indefinite = new ArrayType([1, 2, 2, 1]);
    assert.throws(() => potrf(2, indefinite, 2), /potrf: matrix is not positive definite \(LAPACK info 2\)/);
    const negative = new ArrayType([-1, 0, 0, 1]);
    assert.throws(() => potrf(2, negative, 2), /not positive definite \(LAPACK info 1\)/);
    // OpenBLAS's own potrf lets NaN through; the addon checks the factor's diagonal.
    const withNaN = new ArrayType([1, 0, NaN, 1]);
    assert.throws(() => potrf(2, withNaN, 2), /potrf: matrix 'a' has NaN or Inf in its lower triangle/);
    const withInfinity = new ArrayType([Infinity, 0, 0, 1]);
    assert.throws(() => potrf(2, withInfinity, 2), /NaN or Inf/);
  });
}
