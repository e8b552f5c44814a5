// Finite-difference check of rmsNormBackward (dinp, dweight).
import { describe, it } from "node:test";
import { rmsNormBackward, rmsNormForward } from "../../../src/models/layers/rmsnorm.js";
import { createRng } from "../../../src/util/random.js";
import { checkGradient, project, randn } from "../fd-helpers.js";

describe("rmsNorm backward", () => {
  const rng = createRng(303);
  const [N, C, eps] = [4, 10, 1e-6];
  const inp = randn(rng, N * C, 1.5, 0.3); // (N, C), non-zero mean: RMSNorm does not centre
  const weight = randn(rng, C, 0.3, 1);
  const r = randn(rng, N * C);
  const out = new Float32Array(N * C);
  const rstd = new Float32Array(N);
  const loss = () => {
    rmsNormForward(out, rstd, inp, weight, N, C, eps);
    return project(out, r);
  };
  loss();
  const dinp = new Float32Array(N * C);
  const dweight = new Float32Array(C);
  rmsNormBackward(dinp, dweight, r, inp, weight, rstd, N, C);

  it("dinp", () => {
    checkGradient(loss, inp, dinp, { name: "dinp", rng, coords: 16 });
  });
  it("dweight", () => {
    checkGradient(loss, weight, dweight, { name: "dweight", rng, coords: C });
  });
});
