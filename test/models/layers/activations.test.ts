// Finite-difference checks of the MLP activations: GELU (tanh; native forward, JS backward) and
// SwiGLU (dgate, dup), over inputs spanning the curved region (|x| up to ~4).
import { describe, it } from "node:test";
import {
  geluBackward,
  geluForward,
  swigluBackward,
  swigluForward,
} from "../../../src/models/layers/activations.js";
import { createRng } from "../../../src/util/random.js";
import { checkGradient, project, randn } from "../fd-helpers.js";

describe("gelu backward", () => {
  it("dinp", () => {
    const rng = createRng(404);
    const count = 48;
    const inp = randn(rng, count, 1.5);
    const r = randn(rng, count);
    const out = new Float32Array(count);
    const loss = () => {
      geluForward(out, inp);
      return project(out, r);
    };
    const dinp = new Float32Array(count);
    geluBackward(dinp, r, inp, count);
    checkGradient(loss, inp, dinp, { name: "gelu dinp", rng, coords: 24 });
  });
});

describe("swiglu backward", () => {
  const rng = createRng(505);
  const count = 48;
  const gate = randn(rng, count, 1.5);
  const up = randn(rng, count, 1.5);
  const r = randn(rng, count);
  const out = new Float32Array(count);
  const loss = () => {
    swigluForward(out, gate, up, count);
    return project(out, r);
  };
  const dgate = new Float32Array(count);
  const dup = new Float32Array(count);
  swigluBackward(dgate, dup, r, gate, up, count);

  it("dgate", () => {
    checkGradient(loss, gate, dgate, { name: "dgate", rng, coords: 24 });
  });
  it("dup", () => {
    checkGradient(loss, up, dup, { name: "dup", rng, coords: 24 });
  });
});
