// Finite-difference check of the MLP sublayer, GELU (GPT-2/GPT-J tanh, GPT-NeoX exact) and SwiGLU
// (Llama, with and without biases): dinp and every weight and bias gradient.
import { describe, it } from "node:test";
import { mlpBackward, mlpForward, type MlpWeights } from "../../../src/models/layers/mlp.js";
import { createRng, type Rng } from "../../../src/util/random.js";
import { checkGradient, project, randn } from "../fd-helpers.js";

const [N, C, F] = [5, 6, 10];

function geluWeights(rng: Rng): MlpWeights<Float32Array> {
  return {
    kind: "gelu",
    fcIn: randn(rng, F * C, 0.5),
    fcInBias: randn(rng, F, 0.3),
    fcOut: randn(rng, C * F, 0.5),
    fcOutBias: randn(rng, C, 0.3),
  };
}

function swigluWeights(rng: Rng, biases: boolean): MlpWeights<Float32Array> {
  const bias = (n: number) => (biases ? randn(rng, n, 0.3) : null);
  return {
    kind: "swiglu",
    gate: randn(rng, F * C, 0.5),
    up: randn(rng, F * C, 0.5),
    down: randn(rng, C * F, 0.5),
    gateBias: bias(F),
    upBias: bias(F),
    downBias: bias(C),
  };
}

const CASES: { name: string; make: (rng: Rng) => MlpWeights<Float32Array> }[] = [
  { name: "gelu", make: geluWeights },
  { name: "swiglu", make: (rng) => swigluWeights(rng, false) },
  { name: "swiglu with biases", make: (rng) => swigluWeights(rng, true) },
  { name: "exact gelu", make: (rng) => ({ ...geluWeights(rng), exact: true }) },
];

for (const [index, c] of CASES.entries()) {
  describe(`mlp backward, ${c.name}`, () => {
    const rng = createRng(900 + index);
    const w = c.make(rng);
    const inp = randn(rng, N * C); // (N, C)
    const r = randn(rng, N * C);
    const loss = () => project(mlpForward(inp, w, N, C, F).out, r);
    const { saved } = mlpForward(inp, w, N, C, F);
    const dinp = new Float32Array(N * C);
    const g = Object.fromEntries(
      Object.entries(w).map(([key, value]) => [
        key,
        value instanceof Float32Array ? new Float32Array(value.length) : value,
      ]),
    ) as MlpWeights<Float32Array>;
    mlpBackward(dinp, r, inp, saved, w, g, N, C, F);

    it("dinp", () => {
      checkGradient(loss, inp, dinp, { name: "dinp", rng, coords: 16 });
    });
    for (const [key, param] of Object.entries(w)) {
      if (!(param instanceof Float32Array)) continue;
      const grad = (g as unknown as Record<string, Float32Array>)[key];
      it(`d${key}`, () => {
        checkGradient(loss, param, grad, { name: `d${key}`, rng, coords: 10 });
      });
    }
  });
}
