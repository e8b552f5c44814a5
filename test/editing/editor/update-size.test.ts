// Oversized updates (update-size.ts): a layer whose ΔW is over ten times ‖W‖ is named with both
// norms and the method's regulariser to raise; updates at or under the ratio, and a zero weight,
// say nothing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { LayerDeltaRecord } from "../../../src/editing/editor/edit-log.js";
import {
  OVERSIZED_UPDATE_RATIO,
  oversizedUpdates,
  oversizedUpdateWarnings,
} from "../../../src/editing/editor/update-size.js";

const record = (layer: number, delta: number, weight: number): LayerDeltaRecord => ({
  layer,
  weight: `transformer.h.${layer}.mlp.c_proj.weight`,
  delta_norm: delta,
  weight_norm: weight,
});

describe("oversized updates", () => {
  it("names only the layers whose ΔW is over the ratio times ‖W‖", () => {
    const deltas = [record(0, 25, 30), record(1, 3.7e4, 30.5), record(2, OVERSIZED_UPDATE_RATIO * 20, 20)];
    assert.deepEqual(
      oversizedUpdates(deltas).map((d) => d.layer),
      [1],
    );
    const [warning, ...rest] = oversizedUpdateWarnings("memit", deltas);
    assert.equal(rest.length, 0);
    assert.match(
      warning,
      /^layer 1 \(transformer\.h\.1\.mlp\.c_proj\.weight\): ‖ΔW‖ = 3\.70e\+4 is 1,213× ‖W‖ = 30\.5/,
    );
    assert.match(warning, /raise mom2_update_weight \(λ\)/);
  });

  it("suggests each method's own regulariser", () => {
    const big = [record(3, 1e3, 1)];
    assert.match(oversizedUpdateWarnings("alphaedit", big)[0], /raise L2,/);
    assert.match(oversizedUpdateWarnings("pmet", big)[0], /raise mom2_update_weight/);
    assert.match(oversizedUpdateWarnings("rome", big)[0], /pick another layer/);
  });

  it("says nothing for a zero weight or no update", () => {
    assert.deepEqual(oversizedUpdateWarnings("memit", [record(0, 5, 0), record(1, 0, 3)]), []);
    assert.deepEqual(oversizedUpdateWarnings("memit", []), []);
  });
});
