// The native batched attention against a plain float64 TypeScript reference written from the
// equation: causal + padding mask, GQA, and q/k/v as strided views into one fused buffer.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attentionBackward, attentionForward } from "../../../src/models/layers/attention.js";
import { createRng } from "../../../src/util/random.js";

interface Case {
  B: number;
  T: number;
  NH: number;
  NKV: number;
  HS: number;
}

/** out[b,t,h,:] = Σ_j softmax_j(q·k_j/√HS over visible j) v_j, in float64; 0 when nothing is visible. */
function referenceAttention(q: (b: number, t: number, h: number, d: number) => number, k: typeof q, v: typeof q, mask: Uint8Array, c: Case) {
  const out = new Float64Array(c.B * c.T * c.NH * c.HS);
  const group = c.NH / c.NKV;
  for (let b = 0; b < c.B; b++)
    for (let h = 0; h < c.NH; h++)
      for (let t = 0; t < c.T; t++) {
        const visible: number[] = [];
        for (let j = 0; j <= t; j++) if (mask[b * c.T + j]) visible.push(j);
        if (visible.length === 0) continue;
        const scores = visible.map((j) => {
          let s = 0;
          for (let d = 0; d < c.HS; d++) s += q(b, t, h, d) * k(b, j, Math.floor(h / group), d);
          return s / Math.sqrt(c.HS);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((a, x) => a + x, 0);
        for (let d = 0; d < c.HS; d++) {
          let acc = 0;
          visible.forEach((j, i) => (acc += (e[i] / z) * v(b, j, Math.floor(h / group), d)));
          out[((b * c.T + t) * c.NH + h) * c.HS + d] = acc;
        }
      }
  return out;
}

describe("native attention vs float64 reference", () => {
  const cases: Case[] = [
    { B: 2, T: 9, NH: 4, NKV: 4, HS: 8 },
    { B: 3, T: 6, NH: 6, NKV: 2, HS: 5 },
    { B: 1, T: 17, NH: 2, NKV: 1, HS: 16 },
  ];
  for (const c of cases) {
    it(`B ${c.B} T ${c.T} NH ${c.NH} NKV ${c.NKV} HS ${c.HS}, fused strided q/k/v, padded rows`, () => {
      const rng = createRng(c.T * 31 + c.NH);
      const Q = c.NH * c.HS;
      const KV = c.NKV * c.HS;
      const ld = Q + 2 * KV + 3; // fused [q | k | v | 3 unused] rows
      const N = c.B * c.T;
      const fused = rng.fillNormal(new Float32Array(N * ld));
      const q = fused.subarray(0);
      const k = fused.subarray(Q);
      const v = fused.subarray(Q + KV);
      const mask = new Uint8Array(N).fill(1);
      if (c.B > 1) mask.fill(0, c.T - 2, c.T); // row 0 right-padded
      if (c.B > 2) mask.fill(0, 2 * c.T, 2 * c.T + 3); // row 2 left-padded
      const out = new Float32Array(N * Q).fill(9);
      const att = new Float32Array(c.B * c.NH * c.T * c.T);
      const shape = { B: c.B, T: c.T, NH: c.NH, NKV: c.NKV, HS: c.HS };
      attentionForward(out, att, q, k, v, mask, shape, { ldq: ld, ldk: ld, ldv: ld, ldo: Q });
      const at = (base: number) => (b: number, t: number, h: number, d: number) =>
        fused[(b * c.T + t) * ld + base + h * c.HS + d];
      const ref = referenceAttention(at(0), at(Q), at(Q + KV), mask, c);
      for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(out[i] - ref[i]) < 2e-5, `out[${i}] ${out[i]} vs ${ref[i]}`);
      for (let r = 0; r < c.B * c.NH * c.T; r++) {
        const sum = att.subarray(r * c.T, (r + 1) * c.T).reduce((a, x) => a + x, 0);
        assert.ok(Math.abs(sum - 1) < 1e-5 || sum === 0, `probability row ${r} sums to ${sum}`);
      }
      // Backward with strided gradients accumulates into the right slots only.
      const dfused = new Float32Array(N * ld).fill(0.5);
      const dout = rng.fillNormal(new Float32Array(N * Q));
      attentionBackward(dfused.subarray(0), dfused.subarray(Q), dfused.subarray(Q + KV), dout, att, q, k, v, shape, {
        ldq: ld,
        ldk: ld,
        ldv: ld,
        ldo: Q,
      });
      for (let n = 0; n < N; n++) for (let j = Q + 2 * KV; j < ld; j++) assert.equal(dfused[n * ld + j], 0.5);
    });
  }

  it("rejects inconsistent sizes and short arrays", () => {
    const shape = { B: 1, T: 4, NH: 3, NKV: 2, HS: 2 };
    const f = () => new Float32Array(64);
    assert.throws(() => attentionForward(f(), f(), f(), f(), f(), new Uint8Array(4), shape), /NH a multiple of NKV/);
    const ok = { B: 1, T: 4, NH: 2, NKV: 2, HS: 2 };
    assert.throws(() => attentionForward(f(), new Float32Array(10), f(), f(), f(), new Uint8Array(4), ok), /'att'/);
    assert.throws(() => attentionForward(f(), f(), f(), f(), f(), new Uint8Array(2), ok), /'keyMask'/);
  });
});
