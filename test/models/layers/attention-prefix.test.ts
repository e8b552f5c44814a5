// The native prefix attention (T new tokens per row over P cached earlier positions, compute_z's
// prefix cache): its output against the square kernel run over the whole [prefix ; new] sequence
// (at the new positions), and its backward (dq and the new tokens' dk, dv) against central finite
// differences, with GQA, strided (fused) q/k/v, a row with an empty prefix and padded positions
// on both sides. The finite-difference check itself is shown to fail on a zero or sign-flipped
// gradient, so it cannot pass vacuously.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  attentionForward,
  attentionPrefixBackward,
  attentionPrefixForward,
  type AttentionShape,
  type PrefixKeys,
} from "../../../src/models/layers/attention.js";
import { createRng } from "../../../src/util/random.js";
import { checkGradient, project, randn } from "../fd-helpers.js";

// Row 0: 3 of 4 prefix slots real, all 3 new tokens real; row 1: empty prefix, 2 new tokens + pad;
// row 2: full prefix, 1 new token + 2 pads.
const PREFIX_MASK = [
  [1, 1, 1, 0],
  [0, 0, 0, 0],
  [1, 1, 1, 1],
];
const NEW_MASK = [
  [1, 1, 1],
  [1, 1, 0],
  [1, 0, 0],
];
const [B, P, T] = [3, 4, 3];

for (const { NH, NKV } of [
  { NH: 4, NKV: 2 },
  { NH: 3, NKV: 3 },
]) {
  describe(`prefix attention, NH ${NH}, NKV ${NKV}`, () => {
    const rng = createRng(900 + NH * 10 + NKV);
    const HS = 4;
    const Q = NH * HS;
    const KV = NKV * HS;
    const width = Q + 2 * KV; // q, k, v as views into one fused buffer
    const strides = { ldq: width, ldk: width, ldv: width, ldo: Q };
    const qkv = randn(rng, B * T * width);
    const q = qkv;
    const k = qkv.subarray(Q);
    const v = qkv.subarray(Q + KV);
    const prefix: PrefixKeys = {
      P,
      keys: randn(rng, B * P * KV),
      values: randn(rng, B * P * KV),
      mask: Uint8Array.from(PREFIX_MASK.flat()),
    };
    const mask = Uint8Array.from(NEW_MASK.flat());
    const shape: AttentionShape = { B, T, NH, NKV, HS };
    const out = new Float32Array(B * T * Q);
    const att = new Float32Array(B * NH * T * (P + T));
    const r = randn(rng, B * T * Q);
    const loss = () => {
      attentionPrefixForward(out, att, q, k, v, mask, prefix, shape, strides);
      return project(out, r);
    };
    loss();
    const dqkv = new Float32Array(qkv.length);
    attentionPrefixBackward(dqkv, dqkv.subarray(Q), dqkv.subarray(Q + KV), r, att, q, k, v, prefix, shape, strides);
    // gradients of q, k, v only (the fused buffer holds all three, so each check reads its slice)
    const slice = (offset: number, size: number) => {
      const index: number[] = [];
      for (let n = 0; n < B * T; n++) for (let c = 0; c < size; c++) index.push(n * width + offset + c);
      return index;
    };

    it("equals the square kernel over the concatenated [prefix ; new] sequence", () => {
      const L = P + T;
      const full = (prefixPart: Float32Array, newPart: Float32Array, ld: number) => {
        const x = new Float32Array(B * L * KV);
        for (let b = 0; b < B; b++) {
          x.set(prefixPart.subarray(b * P * KV, (b + 1) * P * KV), b * L * KV);
          for (let t = 0; t < T; t++)
            x.set(newPart.subarray((b * T + t) * ld, (b * T + t) * ld + KV), (b * L + P + t) * KV);
        }
        return x;
      };
      const qFull = new Float32Array(B * L * Q);
      const maskFull = new Uint8Array(B * L);
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) qFull.set(q.subarray((b * T + t) * width, (b * T + t) * width + Q), (b * L + P + t) * Q);
        maskFull.set(prefix.mask.subarray(b * P, (b + 1) * P), b * L);
        maskFull.set(mask.subarray(b * T, (b + 1) * T), b * L + P);
      }
      const outFull = new Float32Array(B * L * Q);
      const attFull = new Float32Array(B * NH * L * L);
      const shapeFull = { B, T: L, NH, NKV, HS };
      attentionForward(outFull, attFull, qFull, full(prefix.keys, k, width), full(prefix.values, v, width), maskFull, shapeFull);
      let worst = 0;
      for (let b = 0; b < B; b++)
        for (let t = 0; t < T; t++)
          for (let c = 0; c < Q; c++) {
            const ours = out[(b * T + t) * Q + c];
            const ref = outFull[(b * L + P + t) * Q + c];
            worst = Math.max(worst, Math.abs(ours - ref));
          }
      assert.ok(worst < 1e-5, `max |prefix − square| = ${worst}`);
    });

    for (const [name, offset, size] of [
      ["dq", 0, Q],
      ["dk", Q, KV],
      ["dv", Q + KV, KV],
    ] as const) {
      it(`${name} matches finite differences`, () => {
        checkGradient(loss, qkv, dqkv, { name, rng, coords: slice(offset, size).filter((_, i) => i % 3 === 0) });
      });
    }

    it("the check fails for a zero or a sign-flipped gradient", () => {
      const coords = slice(0, Q).filter((_, i) => i % 2 === 0);
      assert.throws(() => checkGradient(loss, qkv, new Float32Array(dqkv.length), { coords }));
      assert.throws(() => checkGradient(loss, qkv, dqkv.map((x) => -x), { coords }));
    });

    it("padded new tokens get no key or value gradient", () => {
      for (let n = 0; n < B * T; n++) {
        if (mask[n]) continue;
        for (let c = Q; c < width; c++) assert.equal(dqkv[n * width + c], 0, `token ${n}, column ${c}`);
      }
    });
  });
}

describe("prefix attention input checks", () => {
  it("names the mismatch when the prefix does not fit the batch", () => {
    const shape = { B: 2, T: 2, NH: 1, NKV: 1, HS: 2 };
    const bad: PrefixKeys = { P: 3, keys: new Float32Array(2 * 3 * 2), values: new Float32Array(2 * 3 * 2), mask: new Uint8Array(5) };
    const x = new Float32Array(8);
    assert.throws(
      () => attentionPrefixForward(new Float32Array(8), new Float32Array(2 * 2 * 5), x, x, x, new Uint8Array(4), bad, shape),
      /attention prefix: expected .* a mask of 2·3, got 12, 12 and 5/,
    );
  });
});
