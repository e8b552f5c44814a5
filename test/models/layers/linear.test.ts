// Finite-difference check of linearBackward (dinp, dweight, dbias), including its += contract:
// the gradient buffers start non-zero and only the increment is compared.
import { describe, it } from "node:test";
import { linearBackward, linearForward } from "../../../src/models/layers/linear.js";
import { createRng } from "../../../src/util/random.js";
import { checkGradient, project, randn } from "../fd-helpers.js";

describe("linear backward", () => {
  const rng = createRng(101);
  const [N, inF, outF] = [5, 7, 6];
  const inp = randn(rng, N * inF); // (N, inF)
  const weight = randn(rng, outF * inF, 0.5); // (outF, inF)
  const bias = randn(rng, outF);
  const r = randn(rng, N * outF); // projection of the output (N, outF)
  const out = new Float32Array(N * outF);
  const loss = () => {
    linearForward(out, inp, weight, bias, N, inF, outF);
    return project(out, r);
  };
  const prior = 0.75; // what the buffers held before: backward must add, not overwrite
  const dinp = new Float32Array(N * inF).fill(prior);
  const dweight = new Float32Array(outF * inF).fill(prior);
  const dbias = new Float32Array(outF).fill(prior);
  linearBackward(dinp, dweight, dbias, r, inp, weight, N, inF, outF);
  const added = (g: Float32Array) => g.map((v) => v - prior);

  it("dinp", () => {
    checkGradient(loss, inp, added(dinp), { name: "dinp", rng });
  });
  it("dweight", () => {
    checkGradient(loss, weight, added(dweight), { name: "dweight", rng });
  });
  it("dbias", () => {
    checkGradient(loss, bias, added(dbias), { name: "dbias", rng, coords: outF });
  });
});
