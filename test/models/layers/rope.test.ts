// RoPE's backward is the inverse rotation (the rotation is orthogonal, so its inverse is its
// transpose): for L = Σ r ⊙ rope(x), dL/dx = rope⁻¹(r). Checked by finite differences for both
// pairings, a partial rotary dimension (dims past it pass through), and scaled frequency tables.
import { describe, it } from "node:test";
import type { RopeScaling } from "../../../src/models/config.js";
import { RopeTable, type RopeStyle } from "../../../src/models/layers/rope.js";
import { createRng } from "../../../src/util/random.js";
import { checkGradient, project, randn } from "../fd-helpers.js";

interface RopeCase {
  name: string;
  style: RopeStyle;
  headDim: number;
  rotaryDim: number;
  scaling: RopeScaling | null;
}

// With headDim 16 and base 10000 the wavelengths are 6.3, 20, 63, 199, 628, …: with
// originalMaxPositions 512 the llama3 rule leaves the first three, interpolates 199 (between
// 512/4 and 512/1) and divides the rest by the factor, so all three bands are exercised.
const llama3: RopeScaling = {
  type: "llama3",
  factor: 8,
  lowFreqFactor: 1,
  highFreqFactor: 4,
  originalMaxPositions: 512,
};

const CASES: RopeCase[] = [
  { name: "half, full head", style: "half", headDim: 8, rotaryDim: 8, scaling: null },
  { name: "interleaved, full head", style: "interleaved", headDim: 8, rotaryDim: 8, scaling: null },
  {
    name: "interleaved, rotaryDim < headDim (GPT-J)",
    style: "interleaved",
    headDim: 10,
    rotaryDim: 4,
    scaling: null,
  },
  { name: "half, rotaryDim < headDim", style: "half", headDim: 10, rotaryDim: 6, scaling: null },
  { name: "half, llama3-scaled table", style: "half", headDim: 16, rotaryDim: 16, scaling: llama3 },
  {
    name: "half, linear scaling",
    style: "half",
    headDim: 8,
    rotaryDim: 8,
    scaling: { type: "linear", factor: 4 },
  },
];

describe("rope backward (inverse rotation)", () => {
  for (const [index, c] of CASES.entries()) {
    it(c.name, () => {
      const rng = createRng(600 + index);
      const [N, NH] = [5, 3];
      const rope = new RopeTable(c.rotaryDim, c.style, 10000, c.scaling);
      // Positions up to ~300: large angles, and the table grows past its first 64 rows.
      const positions = Int32Array.from([0, 3, 17, 150, 299]);
      const x = randn(rng, N * NH * c.headDim); // (N, NH, headDim)
      const r = randn(rng, N * NH * c.headDim);
      const loss = () => {
        const y = x.slice();
        rope.apply(y, positions, N, NH, c.headDim);
        return project(y, r);
      };
      const dx = r.slice();
      rope.apply(dx, positions, N, NH, c.headDim, true);
      checkGradient(loss, x, dx, { name: `rope ${c.name}`, rng, coords: 24 });
    });
  }
});
