// The addon's training kernels against JavaScript references: adamwUpdate is bit for bit the
// float64 loop AdamW ran in JavaScript before (with and without decay and a clipping factor),
// sumSquares is the sequential float64 sum, and crossEntropyRows matches log-softmax in float64
// within float32 rounding of dlogits; bad arguments are one clear error each.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { native } from "../../src/native/binding.js";
import { createRng } from "../../src/util/random.js";

/** The JavaScript loop adamw.ts ran before the native kernel (reference, float64 scalars). */
function adamwReference(
  param: Float32Array,
  grad: Float32Array,
  m: Float32Array,
  v: Float32Array,
  s: {
    gradScale: number;
    beta1: number;
    beta2: number;
    eps: number;
    stepSize: number;
    root2: number;
    decay: number;
  },
): void {
  if (s.gradScale < 1) for (let i = 0; i < grad.length; i++) grad[i] *= s.gradScale;
  for (let i = 0; i < param.length; i++) {
    m[i] = s.beta1 * m[i] + (1 - s.beta1) * grad[i];
    v[i] = s.beta2 * v[i] + (1 - s.beta2) * grad[i] * grad[i];
    const p = s.decay !== 1 ? param[i] * s.decay : param[i];
    param[i] = p - (s.stepSize * m[i]) / (Math.sqrt(v[i]) / s.root2 + s.eps);
  }
}

describe("adamwUpdate", () => {
  for (const [label, gradScale, decay] of [
    ["plain", 1, 1],
    ["decayed", 1, 1 - 3e-3 * 0.1],
    ["clipped and decayed", 0.37, 1 - 3e-3 * 0.1],
  ] as const)
    it(`three steps equal the JavaScript loop bit for bit (${label})`, () => {
      const rng = createRng(41);
      const n = 1037;
      const ours = { p: rng.fillNormal(new Float32Array(n)), m: new Float32Array(n), v: new Float32Array(n) };
      const ref = { p: ours.p.slice(), m: new Float32Array(n), v: new Float32Array(n) };
      for (let t = 1; t <= 3; t++) {
        const g = rng.fillNormal(new Float32Array(n), 0, 0.1);
        g[5] = 0; // a zero gradient: the step is then decay only
        const s = {
          gradScale,
          beta1: 0.9,
          beta2: 0.95,
          eps: 1e-8,
          stepSize: 3e-3 / (1 - 0.9 ** t),
          root2: Math.sqrt(1 - 0.95 ** t),
          decay,
        };
        const gRef = g.slice();
        native.adamwUpdate(
          ours.p,
          g,
          ours.m,
          ours.v,
          gradScale,
          s.beta1,
          s.beta2,
          s.eps,
          s.stepSize,
          s.root2,
          decay,
        );
        adamwReference(ref.p, gRef, ref.m, ref.v, s);
        assert.deepEqual(g, gRef, "clipped gradient");
      }
      assert.deepEqual(ours.p, ref.p);
      assert.deepEqual(ours.m, ref.m);
      assert.deepEqual(ours.v, ref.v);
    });

  it("refuses tensors of different lengths, naming them", () => {
    const a = new Float32Array(4);
    assert.throws(
      () => native.adamwUpdate(a, new Float32Array(3), a.slice(), a.slice(), 1, 0.9, 0.95, 1e-8, 1, 1, 1),
      /adamwUpdate: param has 4 elements but grad 3, m 4, v 4/,
    );
    assert.throws(
      () =>
        native.adamwUpdate(
          a,
          a,
          a,
          new Float64Array(4) as unknown as Float32Array,
          1,
          0.9,
          0.95,
          1e-8,
          1,
          1,
          1,
        ),
      /adamwUpdate: argument 'v' must be a Float32Array/,
    );
  });
});

describe("sumSquares", () => {
  it("is the sequential float64 sum of squares", () => {
    const x = createRng(43).fillNormal(new Float32Array(5003), 0, 3);
    let expected = 0;
    for (let i = 0; i < x.length; i++) expected += x[i] * x[i];
    assert.equal(native.sumSquares(x), expected);
    assert.equal(native.sumSquares(new Float32Array(0)), 0);
  });
});

describe("crossEntropyRows", () => {
  it("matches log-softmax in float64, with and without row weights", () => {
    const rng = createRng(44);
    const [M, V] = [5, 1031];
    const logits = rng.fillNormal(new Float32Array(M * V), 0, 4);
    const targets = Int32Array.from({ length: M }, () => rng.int(V));
    for (const weights of [null, Float64Array.from([1, 0.5, 0, 2, 0.25])]) {
      const dlogits = new Float32Array(M * V);
      const logprobs = new Float64Array(M);
      const loss = native.crossEntropyRows(logits, V, targets, weights, dlogits, logprobs);
      let expectedLoss = 0;
      for (let m = 0; m < M; m++) {
        const row = Array.from(logits.subarray(m * V, (m + 1) * V));
        const max = Math.max(...row);
        const logZ = max + Math.log(row.reduce((s, z) => s + Math.exp(z - max), 0));
        const w = weights ? weights[m] : 1;
        assert.ok(Math.abs(logprobs[m] - (row[targets[m]] - logZ)) < 1e-12, `logprob ${m}`);
        expectedLoss -= w * (row[targets[m]] - logZ);
        for (let v = 0; v < V; v++) {
          const expected = w * (Math.exp(row[v] - logZ) - (v === targets[m] ? 1 : 0));
          // float32 storage of e^(z − max), of the scaled value and of the one-hot difference
          assert.ok(
            Math.abs(dlogits[m * V + v] - expected) <= 3e-7 * Math.abs(expected) + 1e-12,
            `dz[${m}, ${v}]`,
          );
        }
      }
      assert.ok(Math.abs(loss - expectedLoss) < 1e-11, `loss ${loss} vs ${expectedLoss}`);
    }
  });

  it("names a target outside the vocabulary and arrays of the wrong size", () => {
    const logits = new Float32Array(6);
    const out = () => [new Float32Array(6), new Float64Array(2)] as const;
    assert.throws(
      () => native.crossEntropyRows(logits, 3, Int32Array.from([0, 3]), null, ...out()),
      /crossEntropyRows: target 3 of row 1 is outside the vocabulary/,
    );
    assert.throws(
      () => native.crossEntropyRows(logits, 4, Int32Array.from([0, 1]), null, ...out()),
      /crossEntropyRows: 6 logits, 6 dlogits, 2 logprobs, 0 weights do not fit 2 rows of 4/,
    );
  });
});
