// The native LayerNorm/RMSNorm kernels against the plain TypeScript reference (norm-reference.ts):
// forward outputs and saved statistics, backward accumulation, null gradient buffers, bad sizes.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { layerNormBackward, layerNormForward } from "../../../src/models/layers/layernorm.js";
import { rmsNormBackward, rmsNormForward } from "../../../src/models/layers/rmsnorm.js";
import { native } from "../../../src/native/binding.js";
import { createRng } from "../../../src/util/random.js";
import {
  referenceLayerNormBackward,
  referenceLayerNormForward,
  referenceRmsNormBackward,
  referenceRmsNormForward,
} from "./norm-reference.js";

function close(a: Float32Array, b: Float32Array, tol: number, what: string) {
  assert.equal(a.length, b.length);
  for (let i = 0; i < a.length; i++)
    assert.ok(Math.abs(a[i] - b[i]) <= tol * (1 + Math.abs(b[i])), `${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

describe("native norms vs TypeScript reference", () => {
  for (const [N, C] of [
    [5, 7],
    [3, 64],
    [2, 768],
  ]) {
    it(`LayerNorm N ${N} C ${C}`, () => {
      const rng = createRng(N * 1000 + C);
      const inp = rng.fillNormal(new Float32Array(N * C), 0.3, 2);
      const w = rng.fillNormal(new Float32Array(C), 1, 0.2);
      const b = rng.fillNormal(new Float32Array(C));
      const out = [new Float32Array(N * C), new Float32Array(N * C)];
      const mean = [new Float32Array(N), new Float32Array(N)];
      const rstd = [new Float32Array(N), new Float32Array(N)];
      layerNormForward(out[0], mean[0], rstd[0], inp, w, b, N, C, 1e-5);
      referenceLayerNormForward(out[1], mean[1], rstd[1], inp, w, b, N, C, 1e-5);
      close(out[0], out[1], 1e-5, "out");
      close(rstd[0], rstd[1], 1e-5, "rstd");
      const dout = rng.fillNormal(new Float32Array(N * C));
      const grads = [0, 1].map(() => ({
        dinp: new Float32Array(N * C).fill(0.25),
        dw: new Float32Array(C).fill(-1),
        db: new Float32Array(C).fill(2),
      }));
      layerNormBackward(grads[0].dinp, grads[0].dw, grads[0].db, dout, inp, w, mean[0], rstd[0], N, C);
      referenceLayerNormBackward(grads[1].dinp, grads[1].dw, grads[1].db, dout, inp, w, mean[1], rstd[1], N, C);
      close(grads[0].dinp, grads[1].dinp, 1e-4, "dinp");
      close(grads[0].dw, grads[1].dw, 1e-4, "dweight");
      close(grads[0].db, grads[1].db, 1e-4, "dbias");
      const dinpOnly = new Float32Array(N * C).fill(0.25);
      layerNormBackward(dinpOnly, null, null, dout, inp, w, mean[0], rstd[0], N, C);
      close(dinpOnly, grads[1].dinp, 1e-4, "dinp without parameter grads");
    });

    it(`RMSNorm N ${N} C ${C}`, () => {
      const rng = createRng(N * 7 + C);
      const inp = rng.fillNormal(new Float32Array(N * C), 0.1, 1.5);
      const w = rng.fillNormal(new Float32Array(C), 1, 0.2);
      const out = [new Float32Array(N * C), new Float32Array(N * C)];
      const rstd = [new Float32Array(N), new Float32Array(N)];
      rmsNormForward(out[0], rstd[0], inp, w, N, C, 1e-6);
      referenceRmsNormForward(out[1], rstd[1], inp, w, N, C, 1e-6);
      close(out[0], out[1], 1e-5, "out");
      const dout = rng.fillNormal(new Float32Array(N * C));
      const dinp = [new Float32Array(N * C).fill(1), new Float32Array(N * C).fill(1)];
      const dw = [new Float32Array(C), new Float32Array(C)];
      rmsNormBackward(dinp[0], dw[0], dout, inp, w, rstd[0], N, C);
      referenceRmsNormBackward(dinp[1], dw[1], dout, inp, w, rstd[1], N, C);
      close(dinp[0], dinp[1], 1e-4, "dinp");
      close(dw[0], dw[1], 1e-4, "dweight");
    });
  }

  it("bad sizes and types are errors naming the argument", () => {
    const f = (n: number) => new Float32Array(n);
    assert.throws(() => native.layerNormForward(f(4), f(1), f(1), f(3), f(4), f(4), 1, 4, 1e-5), /'inp' has 3 elements, needs 4/);
    assert.throws(() => native.rmsNormForward(f(4), f(1), f(4), f(2), 1, 4, 1e-5), /'weight'/);
    assert.throws(
      () => native.rmsNormBackward(f(4), f(2), f(4), f(4), f(4), f(1), 1, 4),
      /'dweight' has 2 elements, needs 4/,
    );
    assert.throws(() => native.layerNormForward(f(4), f(1), f(1), f(4), f(4), f(4), 1, 0, 1e-5), /C ≥ 1/);
  });
});
