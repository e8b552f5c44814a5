// RECT's rectification against hand-computed cases: the entries kept are those whose
// |ΔW| / |W + ε| is at least the ⌊0.6·numel⌋-th smallest ratio (torch.kthvalue), the rest zeroed.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { rectifyDelta } from "../../../../src/editing/methods/variants/index.js";

const t = (values: number[], shape: number[]) => ({ data: Float32Array.from(values), shape });

describe("rect variant", () => {
  it("keeps the top 40 % of entries by relative change", () => {
    // ratios |Δ|/|W|: 0.1, 2, 0.5, 4, 0.25 | 1, 0.2, 3, 0.05, 0.4 → sorted 0.05 0.1 0.2 0.25 0.4 0.5 1 2 3 4;
    // k = ⌊10·0.6⌋ = 6 → threshold 0.5: kept are the ratios ≥ 0.5 (0.5, 1, 2, 3, 4), five of ten
    // (numel − k + 1: the reference's kthvalue threshold keeps one entry more than 40 %).
    const w = t([1, 1, 2, 0.5, 4, 1, 5, 1, 2, 0.5], [2, 5]);
    const d = t([0.1, -2, 1, 2, 1, -1, 1, 3, 0.1, 0.2], [2, 5]);
    const r = rectifyDelta(d, w);
    assert.deepEqual([...r.data], [0, -2, 1, 2, 0, -1, 0, 3, 0, 0]);
    assert.deepEqual(r.shape, [2, 5]);
  });

  it("measures the change against W + ε, sign included, and keeps a share given in percent", () => {
    // W = −1e-8 (as float32) makes W + ε nearly zero: a ratio of ~1e7. With 25 % kept of 4 entries,
    // k = ⌊4·0.75⌋ = 3: the threshold is the third smallest ratio (0.3), and two entries are kept.
    const w = t([-1e-8, 10, 10, 10], [1, 4]);
    const d = t([1e-9, 1, 2, 3], [1, 4]);
    assert.deepEqual([...rectifyDelta(d, w, 25).data], [1e-9, 0, 0, 3].map(Math.fround));
    assert.deepEqual([...rectifyDelta(d, w, 100).data], [...d.data]);
  });

  it("refuses mismatched shapes and shares outside (0, 100]", () => {
    assert.throws(() => rectifyDelta(t([1, 2], [1, 2]), t([1], [1, 1])), /ΔW has 2 entries, W has 1/);
    assert.throws(() => rectifyDelta(t([1], [1, 1]), t([1], [1, 1]), 0), /\(0, 100\]/);
  });
});
