// PRUNE's restraint against an independent construction: ΔW = U diag(σ) Vᵀ from orthonormal U, V
// (the SVD of random matrices); the result must be U diag(σ') Vᵀ with σ' = ln σ − ln σ_max + σ_max
// above σ_max and σ elsewhere (built here by plain loops, and checked again through LAPACK's SVD),
// for wide and tall matrices; nothing above σ_max leaves ΔW bit for bit as it was.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { svd } from "../../../../src/linalg/index.js";
import {
  largestSingularValue,
  restrainedSingularValue,
  restrainSingularValues,
} from "../../../../src/editing/methods/variants/index.js";
import { createRng } from "../../../../src/util/random.js";

/** Orthonormal columns (rows × k) from the SVD of a random matrix. */
function orthonormal(rows: number, k: number, seed: number): Float64Array {
  const a = createRng(seed).fillNormal(new Float64Array(rows * k));
  return svd({ data: a, shape: [rows, k] }).u.data;
}

/** U diag(s) Vᵀ by loops (U rows × k, V cols × k). */
function compose(u: Float64Array, s: number[], v: Float64Array, rows: number, cols: number): Float64Array {
  const k = s.length;
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let r = 0; r < k; r++) sum += u[i * k + r] * s[r] * v[j * k + r];
      out[i * cols + j] = sum;
    }
  return out;
}

function case_(rows: number, cols: number, sigma: number[], seed: number) {
  const u = orthonormal(rows, sigma.length, seed);
  const v = orthonormal(cols, sigma.length, seed + 1);
  const delta = { data: Float32Array.from(compose(u, sigma, v, rows, cols)), shape: [rows, cols] };
  return { u, v, delta };
}

describe("prune variant", () => {
  const sigmaMax = 2;
  const sigma = [10, 3, 1.5, 0.25];
  const restrained = sigma.map((s) => restrainedSingularValue(s, sigmaMax));

  it("log-scales exactly the singular values above σ_max", () => {
    assert.deepEqual(restrained, [Math.log(10) - Math.log(2) + 2, Math.log(3) - Math.log(2) + 2, 1.5, 0.25]);
  });

  for (const [rows, cols] of [
    [6, 15],
    [15, 6],
  ])
    it(`gives U diag(σ') Vᵀ on a ${rows}×${cols} update`, () => {
      const { u, v, delta } = case_(rows, cols, sigma, rows * 100 + cols);
      const out = restrainSingularValues(delta, sigmaMax);
      const expected = compose(u, restrained, v, rows, cols);
      // float32 storage of ΔW and of the result: errors of a few ulps of the largest entry.
      const scale = Math.max(...expected.map(Math.abs));
      for (let i = 0; i < expected.length; i++)
        assert.ok(
          Math.abs(out.data[i] - expected[i]) <= 1e-5 * scale,
          `entry ${i}: ${out.data[i]} vs ${expected[i]}`,
        );
      const s = svd({ data: Float64Array.from(out.data), shape: [rows, cols] }).s.data;
      restrained.forEach((r, i) =>
        assert.ok(Math.abs(s[i] - r) <= 1e-5 * restrained[0], `σ${i} ${s[i]} vs ${r}`),
      );
    });

  it("leaves an update with no singular value above σ_max as it was, bit for bit", () => {
    const { delta } = case_(5, 9, [1.9, 1, 0.5], 3);
    assert.deepEqual(restrainSingularValues(delta, sigmaMax).data, delta.data);
    assert.throws(() => restrainSingularValues(delta, 0), /σ_max of W₀ must be positive/);
  });

  it("σ_max of W₀ is its largest singular value", () => {
    const { delta } = case_(7, 4, [5, 2, 1, 0.5], 9);
    assert.ok(Math.abs(largestSingularValue(delta) - 5) < 1e-5);
    const w = { data: createRng(4).fillNormal(new Float32Array(35)), shape: [5, 7] };
    const s = svd({ data: Float64Array.from(w.data), shape: [5, 7] }).s.data[0];
    assert.ok(Math.abs(largestSingularValue(w) - s) <= 1e-12 * s);
  });
});
