// makeBatch: padding side, mask, position ids (cumsum(mask) − 1 clamped at 0), bad input.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lastTokenPositions, makeBatch } from "../../src/runtime/batch.js";

describe("makeBatch", () => {
  it("right-pads with mask and positions counted from 0", () => {
    const b = makeBatch([[5, 6, 7], [8]], { padId: 9 });
    assert.deepEqual([...b.ids], [5, 6, 7, 8, 9, 9]);
    assert.deepEqual([...b.mask], [1, 1, 1, 1, 0, 0]);
    assert.deepEqual([...b.positions], [0, 1, 2, 0, 0, 0]);
    assert.deepEqual(lastTokenPositions(b), [2, 0]);
  });
  it("left-pads so that every last token sits at T − 1", () => {
    const b = makeBatch([[5, 6, 7], [8]], { padId: 0, padSide: "left" });
    assert.deepEqual([...b.ids], [5, 6, 7, 0, 0, 8]);
    assert.deepEqual([...b.mask], [1, 1, 1, 0, 0, 1]);
    assert.deepEqual([...b.positions], [0, 1, 2, 0, 0, 0]);
    assert.deepEqual(lastTokenPositions(b), [2, 2]);
  });
  it("rejects empty input and invalid ids", () => {
    assert.throws(() => makeBatch([]), /no sequences/);
    assert.throws(() => makeBatch([[]]), /empty/);
    assert.throws(() => makeBatch([[1, -2]]), /sequence 0 has an invalid token id -2/);
    assert.throws(() => makeBatch([[1.5]]), /invalid token id 1.5/);
  });
});
