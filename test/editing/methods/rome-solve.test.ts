// ROME's rank-one update (src/editing/methods/rome/solve.ts) against its defining properties:
// ΔW·k = v* − W k for the plain key k (the update writes exactly the asked-for value), and every
// row of ΔW is a multiple of u (rank one along C0⁻¹k̄).
import { test } from "node:test";
import assert from "node:assert/strict";
import { romeLeftVector, romeRankOneDelta } from "../../../src/editing/methods/rome/solve.js";
import { createRng } from "../../../src/util/random.js";

test("romeRankOneDelta writes v* − W k at k and is rank one along u", () => {
  const rng = createRng(7);
  const F = 12;
  const C = 5;
  const meanKey = rng.fillNormal(new Float32Array(F));
  const key = rng.fillNormal(new Float32Array(F));
  const mlpOutput = rng.fillNormal(new Float32Array(C));
  const vStar = rng.fillNormal(new Float32Array(C));
  const u = romeLeftVector(meanKey, null);
  const delta = romeRankOneDelta(u, key, mlpOutput, vStar);
  for (let c = 0; c < C; c++) {
    let written = 0;
    for (let f = 0; f < F; f++) written += delta[c * F + f] * key[f];
    const asked = vStar[c] - mlpOutput[c];
    // ΔW is stored in float32: its rounding (2⁻²⁴ relative per entry) over F terms of size |ΔW||k|
    let scale = 0;
    for (let f = 0; f < F; f++) scale += Math.abs(delta[c * F + f] * key[f]);
    assert.ok(Math.abs(written - asked) <= 4 * F * 2 ** -24 * scale, `row ${c}: ${written} vs ${asked}`);
    const ratio = delta[c * F] / u[0];
    for (let f = 0; f < F; f++)
      assert.ok(Math.abs(delta[c * F + f] - ratio * u[f]) <= 2 ** -22 * Math.abs(ratio), `row ${c} col ${f}`);
  }
});
