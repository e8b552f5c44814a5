// AdamW against hand-computed values, the warm-up + cosine schedule at its defining points, and
// global-norm gradient clipping.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AdamW, DEFAULT_ADAMW as DEFAULT_ADAMW_CONFIG } from "../../src/training/adamw.js";
import { clipFactor, clipGlobalNorm, globalNorm } from "../../src/training/gradients.js";
import { learningRateAt } from "../../src/training/schedule.js";

const close = (actual: ArrayLike<number>, expected: readonly number[], tol: number) =>
  expected.forEach((e, i) => assert.ok(Math.abs(actual[i] - e) <= tol, `[${i}] ${actual[i]} vs ${e}`));

describe("AdamW", () => {
  const config = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };

  it("first step: θ(1 − lr·λ) − lr·g/(|g| + ε), i.e. a step of lr against the gradient's sign", () => {
    const param = Float32Array.from([1, -2, 0.5]);
    const opt = new AdamW([{ name: "w", param, decay: true }], config);
    opt.update(() => Float32Array.from([0.1, -0.2, 0.3]), 0.1);
    // 1·0.999 − 0.1 = 0.899;  −2·0.999 + 0.1 = −1.898;  0.5·0.999 − 0.1 = 0.3995
    close(param, [0.899, -1.898, 0.3995], 1e-6);
    assert.equal(opt.step, 1);
  });

  it("three steps match the textbook recurrence; no decay where not marked", () => {
    const decayed = Float32Array.from([1, -2, 0.5]);
    const plain = Float32Array.from([1, -2, 0.5]);
    const opt = new AdamW(
      [
        { name: "w", param: decayed, decay: true },
        { name: "b", param: plain, decay: false },
      ],
      config,
    );
    const grads = [
      [0.1, -0.2, 0.3],
      [-0.05, 0.4, 0],
      [0.2, 0.1, -0.3],
    ];
    const lrs = [0.1, 0.05, 0.02];
    // reference in float64: m̂ = m/(1−β1^t), v̂ = v/(1−β2^t), θ ← θ − lr·λ·θ − lr·m̂/(√v̂ + ε)
    const ref = (decay: boolean) => {
      const p = [1, -2, 0.5];
      const m = [0, 0, 0];
      const v = [0, 0, 0];
      grads.forEach((g, s) => {
        const t = s + 1;
        for (let i = 0; i < 3; i++) {
          m[i] = 0.9 * m[i] + 0.1 * g[i];
          v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
          const mHat = m[i] / (1 - 0.9 ** t);
          const vHat = v[i] / (1 - 0.999 ** t);
          p[i] = p[i] - (decay ? lrs[s] * 0.01 * p[i] : 0) - (lrs[s] * mHat) / (Math.sqrt(vHat) + 1e-8);
        }
      });
      return p;
    };
    grads.forEach((g, s) => opt.update(() => Float32Array.from(g), lrs[s]));
    close(decayed, ref(true), 1e-6);
    close(plain, ref(false), 1e-6);
    assert.ok(Math.abs(decayed[1] - plain[1]) > 1e-4, "decay changed the decayed tensor");
  });
});

describe("AdamW with a clipping factor", () => {
  it("equals clipGlobalNorm followed by a plain update, bit for bit", () => {
    const config = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };
    const grads = [Float32Array.from([3, -4, 0.5]), Float32Array.from([12, 0.25])];
    const fused = [Float32Array.from([1, -2, 0.5]), Float32Array.from([0.3, 0.7])];
    const separate = fused.map((p) => p.slice());
    const optimizer = (params: Float32Array[]) =>
      new AdamW(
        params.map((param, i) => ({ name: `t${i}`, param, decay: i === 0 })),
        config,
      );
    const [a, b] = [optimizer(fused), optimizer(separate)];
    const gFused = grads.map((g) => g.slice());
    const gSeparate = grads.map((g) => g.slice());
    const norm = globalNorm(gFused);
    a.update((name) => gFused[Number(name.slice(1))], 0.01, clipFactor(norm, 1));
    assert.equal(clipGlobalNorm(gSeparate, 1), norm);
    b.update((name) => gSeparate[Number(name.slice(1))], 0.01);
    assert.deepEqual(fused, separate);
    assert.deepEqual(gFused, gSeparate);
    assert.ok(clipFactor(norm, 1) < 1);
  });

  it("names a gradient of the wrong length", () => {
    const opt = new AdamW([{ name: "w", param: new Float32Array(3), decay: false }], DEFAULT_ADAMW_CONFIG);
    assert.throws(
      () => opt.update(() => new Float32Array(2), 0.1),
      /gradient of 'w' has 2 elements, the parameter 3/,
    );
  });
});

describe("learning-rate schedule", () => {
  const s = { peak: 1, warmupSteps: 10, totalSteps: 110, minRatio: 0.1 };

  it("warms up linearly to the peak", () => {
    close([learningRateAt(0, s), learningRateAt(4, s), learningRateAt(9, s)], [0.1, 0.5, 1], 1e-12);
  });

  it("decays along a cosine to minRatio·peak and stays there", () => {
    assert.equal(learningRateAt(10, s), 1);
    close([learningRateAt(60, s)], [0.55], 1e-12); // halfway: min + (peak − min)/2
    close([learningRateAt(35, s)], [0.1 + 0.45 * (1 + Math.cos(Math.PI / 4))], 1e-12);
    assert.ok(learningRateAt(109, s) > 0.1 && learningRateAt(109, s) < 0.101);
    assert.equal(learningRateAt(110, s), 0.1);
    assert.equal(learningRateAt(500, s), 0.1);
  });

  it("without warm-up starts at the peak", () => {
    assert.equal(learningRateAt(0, { ...s, warmupSteps: 0 }), 1);
  });
});

describe("global-norm clipping", () => {
  it("scales every tensor by maxNorm/‖g‖ when ‖g‖ exceeds it, and returns ‖g‖", () => {
    const a = Float32Array.from([3, 4]);
    const b = Float32Array.from([0, 12]);
    assert.equal(clipGlobalNorm([a, b], 6.5), 13);
    close([...a, ...b], [1.5, 2, 0, 6], 1e-5);
  });

  it("leaves gradients below the limit alone", () => {
    const a = Float32Array.from([3, 4]);
    assert.equal(clipGlobalNorm([a], 20), 5);
    assert.deepEqual([...a], [3, 4]);
  });
});
