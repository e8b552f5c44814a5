// compute_z started from a residual stream that an earlier call on the same requests kept (BLUE's
// sharing, compute-z/lower.ts): after an edit at or above the kept layer it gives the z of a call
// that runs from the embedding, at the block site and at PMET's attention + MLP sites; a stream
// that does not fit the batch or a layer it cannot keep is refused by name.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withDeltasApplied } from "../../../src/editing/apply-deltas.js";
import { computeZ } from "../../../src/editing/compute-z/compute-z.js";
import { editSurface } from "../../../src/models/edit-surface.js";
import { createRng } from "../../../src/util/random.js";
import { fixtureModel, randomRequests } from "../helpers.js";

const HPARAMS = { v_num_grad_steps: 6, v_lr: 0.5, v_weight_decay: 0.3, clamp_norm_factor: 4, kl_factor: 0.5 };

function relative(a: readonly Float32Array[], b: readonly Float32Array[]): number {
  let diff = 0;
  let scale = 0;
  a.forEach((x, i) => {
    for (let c = 0; c < x.length; c++) {
      diff = Math.max(diff, Math.abs(x[c] - b[i][c]));
      scale = Math.max(scale, Math.abs(b[i][c]));
    }
  });
  return diff / scale;
}

for (const name of ["gpt2-tiny", "llama-tiny"] as const) {
  describe(`compute_z from a kept lower residual stream on ${name}`, () => {
    const model = fixtureModel(name);
    const requests = randomRequests(model, 3, 5, 1, 2);

    for (const sites of [["block"], ["attn", "mlp"]] as const) {
      it(`after an edit at the kept layer, equals a fresh call (${sites.join("+")})`, () => {
        const first = computeZ(model, requests, { layer: 1, sites, hparams: HPARAMS, keepLowerAt: 1 });
        assert.equal(first.lower?.layer, 1);
        const surface = editSurface(model, 1);
        const delta = createRng(2)
          .fillNormal(new Float32Array(surface.hiddenDim * surface.keyDim))
          .map((x) => 0.05 * x);
        withDeltasApplied(model, (apply) => {
          apply([
            { layer: 1, weight: surface.mlpOut.weight, rows: surface.hiddenDim, cols: surface.keyDim, delta },
          ]);
          const shared = computeZ(model, requests, { layer: 2, sites, hparams: HPARAMS, lower: first.lower });
          const fresh = computeZ(model, requests, { layer: 2, sites, hparams: HPARAMS });
          assert.deepEqual(shared.steps, fresh.steps);
          for (const site of sites) {
            const r = relative(shared.z.get(site)!, fresh.z.get(site)!);
            assert.ok(r < 1e-5, `z at ${site}: relative ${r}`);
          }
        });
      });
    }

    it("refuses a stream that does not fit, or a layer above the steps' first", () => {
      const first = computeZ(model, requests, {
        layer: 1,
        sites: ["block"],
        hparams: HPARAMS,
        keepLowerAt: 1,
      });
      assert.throws(
        () =>
          computeZ(model, requests.slice(1), {
            layer: 2,
            sites: ["block"],
            hparams: HPARAMS,
            lower: first.lower,
          }),
        /compute_z: the lower residual stream given \(entering layer 1, \d+ floats\) does not fit this batch/,
      );
      assert.throws(
        () => computeZ(model, requests, { layer: 0, sites: ["mlp"], hparams: HPARAMS, keepLowerAt: 1 }),
        /cannot keep the residual stream entering layer 1/,
      );
    });
  });
}
