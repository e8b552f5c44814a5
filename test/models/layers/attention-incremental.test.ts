// The native incremental (KV-cache) attention: Tq new queries over Tk cached + new keys, checked
// against a float64 reference written from the equation (query i at absolute index Tk − Tq + i
// sees keys j ≤ Tk − Tq + i whose mask is 1), with GQA, strided queries, a cache whose capacity
// exceeds Tk (garbage past Tk must be ignored), and against the square kernel's last rows.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { attentionForward, attentionIncremental } from "../../../src/models/layers/attention.js";
import { native } from "../../../src/native/binding.js";
import { createRng } from "../../../src/util/random.js";

interface Case {
  B: number;
  Tq: number;
  Tk: number;
  kvRows: number;
  NH: number;
  NKV: number;
  HS: number;
}

type At = (b: number, t: number, h: number, d: number) => number;

/** out[b, i, h, :] over visible keys in float64; 0 when no key is visible. */
function reference(q: At, k: At, v: At, mask: (b: number, j: number) => number, c: Case): Float64Array {
  const out = new Float64Array(c.B * c.Tq * c.NH * c.HS);
  const group = c.NH / c.NKV;
  for (let b = 0; b < c.B; b++)
    for (let h = 0; h < c.NH; h++)
      for (let i = 0; i < c.Tq; i++) {
        const g = Math.floor(h / group);
        const visible: number[] = [];
        for (let j = 0; j <= c.Tk - c.Tq + i; j++) if (mask(b, j)) visible.push(j);
        if (visible.length === 0) continue;
        const scores = visible.map((j) => {
          let s = 0;
          for (let d = 0; d < c.HS; d++) s += q(b, i, h, d) * k(b, j, g, d);
          return s / Math.sqrt(c.HS);
        });
        const max = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - max));
        const z = e.reduce((a, x) => a + x, 0);
        for (let d = 0; d < c.HS; d++) {
          let acc = 0;
          visible.forEach((j, n) => (acc += (e[n] / z) * v(b, j, g, d)));
          out[((b * c.Tq + i) * c.NH + h) * c.HS + d] = acc;
        }
      }
  return out;
}

describe("native incremental attention vs float64 reference", () => {
  const cases: Case[] = [
    { B: 2, Tq: 1, Tk: 7, kvRows: 12, NH: 4, NKV: 4, HS: 8 },
    { B: 3, Tq: 4, Tk: 9, kvRows: 9, NH: 6, NKV: 2, HS: 5 },
    { B: 1, Tq: 5, Tk: 5, kvRows: 8, NH: 2, NKV: 1, HS: 16 },
  ];
  for (const c of cases) {
    it(`B ${c.B} Tq ${c.Tq} Tk ${c.Tk} kvRows ${c.kvRows} NH ${c.NH} NKV ${c.NKV}, strided q, padded rows`, () => {
      const rng = createRng(c.Tk * 17 + c.Tq);
      const Q = c.NH * c.HS;
      const KV = c.NKV * c.HS;
      const ldq = Q + 3; // queries as a view with 3 unused floats per row
      const q = rng.fillNormal(new Float32Array(c.B * c.Tq * ldq));
      // Slots past Tk hold huge values: reading any of them would show in the output.
      const keys = new Float32Array(c.B * c.kvRows * KV).fill(1e6);
      const values = new Float32Array(c.B * c.kvRows * KV).fill(1e6);
      const mask = new Uint8Array(c.B * c.kvRows).fill(1);
      for (let b = 0; b < c.B; b++) {
        keys.set(rng.fillNormal(new Float32Array(c.Tk * KV)), b * c.kvRows * KV);
        values.set(rng.fillNormal(new Float32Array(c.Tk * KV)), b * c.kvRows * KV);
      }
      if (c.B > 1) mask.fill(0, c.kvRows, c.kvRows + 3); // row 1 left-padded
      if (c.B > 2) mask.fill(0, 2 * c.kvRows + c.Tk - 2, 2 * c.kvRows + c.Tk); // row 2: 2 padded new tokens
      const out = new Float32Array(c.B * c.Tq * Q).fill(9);
      attentionIncremental(out, q, ldq, { keys, values, mask, kvRows: c.kvRows }, c);
      const cached = (buffer: Float32Array) => (b: number, j: number, g: number, d: number) =>
        buffer[(b * c.kvRows + j) * KV + g * c.HS + d];
      const ref = reference(
        (b, i, h, d) => q[(b * c.Tq + i) * ldq + h * c.HS + d],
        cached(keys),
        cached(values),
        (b, j) => mask[b * c.kvRows + j],
        c,
      );
      for (let i = 0; i < ref.length; i++)
        assert.ok(Math.abs(out[i] - ref[i]) < 2e-5, `out[${i}] ${out[i]} vs ${ref[i]}`);
    });
  }

  it("equals the square kernel's last Tq query rows over the same keys", () => {
    const [B, T, Tq, NH, NKV, HS] = [2, 8, 3, 4, 2, 6];
    const rng = createRng(5);
    const Q = NH * HS;
    const KV = NKV * HS;
    const q = rng.fillNormal(new Float32Array(B * T * Q));
    const k = rng.fillNormal(new Float32Array(B * T * KV));
    const v = rng.fillNormal(new Float32Array(B * T * KV));
    const mask = Uint8Array.from({ length: B * T }, (_, n) => (n < 2 ? 0 : 1)); // row 0 left-padded
    const full = new Float32Array(B * T * Q);
    attentionForward(full, new Float32Array(B * NH * T * T), q, k, v, mask, { B, T, NH, NKV, HS });
    const lastQ = new Float32Array(B * Tq * Q); // (B·Tq, Q): each row's last Tq queries
    for (let b = 0; b < B; b++) lastQ.set(q.subarray((b * T + T - Tq) * Q, (b + 1) * T * Q), b * Tq * Q);
    const out = new Float32Array(B * Tq * Q);
    attentionIncremental(out, lastQ, Q, { keys: k, values: v, mask, kvRows: T }, { B, Tq, Tk: T, NH, NKV, HS });
    for (let b = 0; b < B; b++)
      for (let i = 0; i < Tq * Q; i++) {
        const ref = full[(b * T + T - Tq) * Q + i];
        // GEMMs of Tq rows instead of T: a few float32 ulps (measured ≤ 1 under six OpenBLAS kernels)
        const tolerance = 16 * 2 ** -23 * Math.max(1, Math.abs(ref));
        assert.ok(Math.abs(out[b * Tq * Q + i] - ref) <= tolerance, `row ${b} entry ${i}: ${out[b * Tq * Q + i]} vs ${ref}`);
      }
  });

  it("rejects impossible shapes and short arrays", () => {
    const f = (n: number) => new Float32Array(n);
    const m = new Uint8Array(8);
    const call = (Tq: number, Tk: number, kvRows: number, keys = f(64), mask = m) =>
      native.attentionIncremental(1, Tq, Tk, 2, 2, 2, 4, 4, 4, 4, kvRows, f(64), keys, f(64), mask, f(64));
    assert.throws(() => call(3, 2, 8), /Tq <= Tk <= kvRows/);
    assert.throws(() => call(1, 9, 8), /Tq <= Tk <= kvRows/);
    assert.throws(() => call(1, 8, 8, f(20)), /'k'/);
    assert.throws(() => call(1, 8, 8, f(64), new Uint8Array(4)), /'keyMask'/);
    assert.throws(
      () => native.attentionIncremental(1, 1, 1, 3, 2, 2, 6, 4, 4, 6, 1, f(8), f(8), f(8), m, f(8)),
      /NH a multiple of NKV/,
    );
  });
});
