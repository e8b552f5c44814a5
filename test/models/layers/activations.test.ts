// Finite-difference checks of the MLP activations: GELU (tanh; native forward, JS backward),
// exact GELU (erf, GPT-NeoX) and SwiGLU (dgate, dup), over inputs spanning the curved region
// (|x| up to ~4); erf against reference values (Python's math.erf, which uses libm's erf).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  erf,
  geluBackward,
  geluErfBackward,
  geluErfForward,
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

describe("erf and the exact GELU", () => {
  it("erf matches reference values on both sides of the series/continued-fraction switch", () => {
    const reference: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [2.4999, 0.9995928300996666],
      [2.5, 0.999593047982555],
      [3, 0.9999779095030014],
      [4, 0.9999999845827421],
      [5.5, 0.9999999999999927],
      [-0.7, -0.6778011938374184],
      [-3.2, -0.9999939742388483],
    ];
    for (const [x, want] of reference) assert.ok(Math.abs(erf(x) - want) <= 1e-14, `erf(${x}) = ${erf(x)}, want ${want}`);
  });

  it("gelu(x) = x·Φ(x): values, and the backward by finite differences", () => {
    const out = new Float32Array(3);
    geluErfForward(out, Float32Array.of(1, -1, 0));
    assert.ok(Math.abs(out[0] - 0.8413447460685429) < 1e-7 && Math.abs(out[1] + 0.15865525393145707) < 1e-7);
    assert.equal(out[2], 0);
    const rng = createRng(406);
    const count = 48;
    const inp = randn(rng, count, 1.5);
    const r = randn(rng, count);
    const y = new Float32Array(count);
    const loss = () => {
      geluErfForward(y, inp);
      return project(y, r);
    };
    const dinp = new Float32Array(count);
    geluErfBackward(dinp, r, inp, count);
    checkGradient(loss, inp, dinp, { name: "exact gelu dinp", rng, coords: 24 });
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
