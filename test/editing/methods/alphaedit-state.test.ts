// AlphaEditState (src/editing/methods/alphaedit/state.ts): the projector of a layer is computed
// once from C0 and equals nullSpaceProjector; cache_c starts at zero, grows by each absorbed
// batch's K Kᵀ and is forgotten by reset, while the projectors stay.
import { test } from "node:test";
import assert from "node:assert/strict";
import { AlphaEditState } from "../../../src/editing/methods/alphaedit/state.js";
import type { DeltaResult } from "../../../src/editing/methods/types.js";
import { nullSpaceProjector } from "../../../src/linalg/index.js";

const F = 3;
// C0 = diag(1, 1e-3, 2): one eigenvalue below the threshold 2e-2, so P = e₂e₂ᵀ
const C0 = new Float64Array([1, 0, 0, 0, 1e-3, 0, 0, 0, 2]);

function batch(layer: number, gram: number[]): DeltaResult {
  return {
    method: "alphaedit",
    blue: false,
    updates: [],
    z: [],
    timings: { z: 0, keys: 0, solve: 0 },
    keyGramUpdates: new Map([[layer, Float64Array.from(gram)]]),
  };
}

test("AlphaEditState: projector once per layer, cache_c accumulates and resets", () => {
  let covarianceCalls = 0;
  const state = new AlphaEditState(() => {
    covarianceCalls++;
    return C0;
  }, 2e-2);
  const p = state.projector(4);
  assert.deepEqual([...p], [...nullSpaceProjector({ data: C0, shape: [F, F] }, 2e-2).data]);
  assert.ok(Math.abs(p[4] - 1) < 1e-12 && Math.abs(p[0]) < 1e-12);
  assert.equal(state.projector(4), p, "cached");
  assert.equal(covarianceCalls, 1);

  assert.deepEqual([...state.cachedKeyGram(4)], new Array(F * F).fill(0));
  state.absorb(batch(4, [1, 2, 3, 2, 5, 6, 3, 6, 9]));
  state.absorb(batch(4, [1, 0, 0, 0, 1, 0, 0, 0, 1]));
  assert.deepEqual([...state.cachedKeyGram(4)], [2, 2, 3, 2, 6, 6, 3, 6, 10]);
  assert.deepEqual([...state.cachedKeyGram(5)], new Array(F * F).fill(0), "other layers untouched");
  state.reset();
  assert.deepEqual([...state.cachedKeyGram(4)], new Array(F * F).fill(0));
  assert.equal(state.projector(4), p, "the projector survives reset");
});
