// compute_ks's KeyReader (keys and H read bottom up from a kept residual stream) against a fresh
// read from the embedding (keysAndHidden) on the same edited model, layer after layer as MEMIT
// edits them, at the block and MLP residual sites; and the template-averaged keys against whole
// prompts run one at a time (each read runs a prompt only up to its lookup token).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { withDeltasApplied } from "../../src/editing/apply-deltas.js";
import { KeyReader, keysAndHidden, type KeysAndHidden } from "../../src/editing/compute-ks.js";
import { editSurface } from "../../src/models/edit-surface.js";
import { makeBatch } from "../../src/runtime/batch.js";
import { createRng } from "../../src/util/random.js";
import { fixtureModel, randomRequests } from "./helpers.js";

function relative(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

function assertClose(ours: KeysAndHidden, ref: KeysAndHidden, where: string): void {
  for (const part of ["keys", "plainKeys", "hidden"] as const) {
    const r = relative(ours[part], ref[part]);
    assert.ok(r < 1e-5, `${where} ${part}: relative ${r}`);
  }
}

for (const name of ["gpt2-tiny", "llama-tiny", "gptj-tiny"] as const) {
  describe(`KeyReader on ${name}`, () => {
    const model = fixtureModel(name);
    const requests = randomRequests(model, 3, 41, 1, 3);
    const layers = [0, 1, 2].filter((l) => l < model.numLayers);
    const top = layers[layers.length - 1];

    for (const site of ["block", "mlp"] as const) {
      it(`reads bottom up with edits in between as a fresh read does (${site})`, () => {
        const rng = createRng(3);
        const reader = new KeyReader(model, requests);
        withDeltasApplied(model, (apply) => {
          for (const layer of layers) {
            assertClose(
              reader.read(layer, top, site),
              keysAndHidden(model, requests, layer, top, site),
              `layer ${layer}`,
            );
            const surface = editSurface(model, layer);
            const delta = rng
              .fillNormal(new Float32Array(surface.hiddenDim * surface.keyDim))
              .map((x) => 0.05 * x);
            apply([
              { layer, weight: surface.mlpOut.weight, rows: surface.hiddenDim, cols: surface.keyDim, delta },
            ]);
          }
        });
      });
    }

    it("refuses a layer below the residual stream it kept", () => {
      const reader = new KeyReader(model, requests);
      reader.read(1, top);
      assert.throws(
        () => reader.read(0, top),
        /layer 0 is below the kept residual stream \(entering layer 1\)/,
      );
    });

    it("equals a full-length forward of each prompt read at its lookup", () => {
      const keys = keysAndHidden(model, requests, 1, top).keys;
      const F = editSurface(model, 1).keyDim;
      requests.forEach((r, i) => {
        // the reference average: every prompt run whole, alone, then group means, then their mean
        const mean = new Float64Array(F);
        let first = 0;
        for (const size of r.groups) {
          for (let g = 0; g < size; g++) {
            const p = r.rewrite[first + g];
            const trace = model.forward(makeBatch([p.ids]), { logits: "none", captureLayers: [1] });
            const key = trace.layers[1]!.key;
            for (let f = 0; f < F; f++) mean[f] += key[p.lookup * F + f] / size / r.groups.length;
          }
          first += size;
        }
        const r0 = relative(keys.subarray(i * F, (i + 1) * F), Float32Array.from(mean));
        assert.ok(r0 < 1e-5, `request ${i}: relative ${r0}`);
      });
    });
  });
}
