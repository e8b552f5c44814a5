// Finite-difference check of the attention core (dq, dk, dv) with grouped-query heads and a
// padding mask: row 0 is left-padded, so its first queries see no key at all (output 0, no
// gradient), row 1 is right-padded.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  attentionBackward,
  attentionForward,
  type AttentionShape,
} from "../../../src/models/layers/attention.js";
import { createRng } from "../../../src/util/random.js";
import { checkGradient, PADDED_MASK, project, randn } from "../fd-helpers.js";

const mask = Uint8Array.from(PADDED_MASK.flat());
const [B, T] = [PADDED_MASK.length, PADDED_MASK[0].length];

for (const { NH, NKV } of [
  { NH: 4, NKV: 2 },
  { NH: 3, NKV: 1 },
]) {
  describe(`attention backward, NH ${NH}, NKV ${NKV}, padded`, () => {
    const rng = createRng(700 + NH * 10 + NKV);
    const HS = 4;
    const shape: AttentionShape = { B, T, NH, NKV, HS };
    const q = randn(rng, B * T * NH * HS); // (B·T, NH·HS)
    const k = randn(rng, B * T * NKV * HS); // (B·T, NKV·HS)
    const v = randn(rng, B * T * NKV * HS);
    const r = randn(rng, B * T * NH * HS);
    const out = new Float32Array(B * T * NH * HS);
    const att = new Float32Array(B * NH * T * T); // (B, NH, T, T)
    const loss = () => {
      attentionForward(out, att, q, k, v, mask, shape);
      return project(out, r);
    };
    loss();
    const dq = new Float32Array(q.length);
    const dk = new Float32Array(k.length);
    const dv = new Float32Array(v.length);
    attentionBackward(dq, dk, dv, r, att, q, k, v, shape);

    it("dq", () => {
      checkGradient(loss, q, dq, { name: "dq", rng, coords: 16 });
    });
    it("dk", () => {
      checkGradient(loss, k, dk, { name: "dk", rng, coords: 16 });
    });
    it("dv", () => {
      checkGradient(loss, v, dv, { name: "dv", rng, coords: 16 });
    });
    it("a query with no visible key has output 0 and no gradient; padded keys get none", () => {
      // Row 0, positions 0 and 1 are left padding: every key they could see is padding.
      for (const t of [0, 1]) {
        const o = t * NH * HS;
        assert.ok(
          out.subarray(o, o + NH * HS).every((x) => x === 0),
          `output of query ${t}`,
        );
        assert.ok(
          dq.subarray(o, o + NH * HS).every((x) => x === 0),
          `dq of query ${t}`,
        );
      }
      for (let n = 0; n < B * T; n++) {
        if (mask[n]) continue;
        const o = n * NKV * HS;
        assert.ok(
          dk.subarray(o, o + NKV * HS).every((x) => x === 0),
          `dk of padded key ${n}`,
        );
        assert.ok(
          dv.subarray(o, o + NKV * HS).every((x) => x === 0),
          `dv of padded key ${n}`,
        );
      }
    });
  });
}
