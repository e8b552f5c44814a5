// Finite-difference check of layerNormBackward (dinp, dweight, dbias) on rows with a non-zero
// mean and a spread of variances.
import { describe, it } from "node:test";
import { layerNormBackward, layerNormForward } from "../../../src/models/layers/layernorm.js";
import { createRng } from "../../../src/util/random.js";
import { checkGradient, project, randn } from "../fd-helpers.js";

describe("layerNorm backward", () => {
  const rng = createRng(202);
  const [N, C, eps] = [4, 9, 1e-5];
  const inp = randn(rng, N * C); // (N, C)
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) inp[n * C + c] = inp[n * C + c] * (n + 1) + n - 1.5;
  const weight = randn(rng, C, 0.3, 1);
  const bias = randn(rng, C, 0.5);
  const r = randn(rng, N * C);
  const out = new Float32Array(N * C);
  const mean = new Float32Array(N);
  const rstd = new Float32Array(N);
  const loss = () => {
    layerNormForward(out, mean, rstd, inp, weight, bias, N, C, eps);
    return project(out, r);
  };
  loss();
  const dinp = new Float32Array(N * C);
  const dweight = new Float32Array(C);
  const dbias = new Float32Array(C);
  layerNormBackward(dinp, dweight, dbias, r, inp, weight, mean, rstd, N, C);

  it("dinp", () => {
    checkGradient(loss, inp, dinp, { name: "dinp", rng, coords: 16 });
  });
  it("dweight", () => {
    checkGradient(loss, weight, dweight, { name: "dweight", rng, coords: C });
  });
  it("dbias", () => {
    checkGradient(loss, bias, dbias, { name: "dbias", rng, coords: C });
  });
});
