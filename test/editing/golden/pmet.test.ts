// PMET and PMET+BLUE against the goldens of the independent PyTorch implementation
// (scripts/golden/make_edit_goldens.py, after xpq-tech/PMET and xpq-tech/BLUE): z at the
// attention and MLP outputs (optimised jointly), the initial MLP output, the Adam steps, and every
// ΔW (residual at the MLP output ÷ √(L − i), MEMIT's solve). The goldens' near-top targets make the
// reference's max-probability rule act (NLL × 0.1 once the target is top-1; stop when KL ≤ 0.01).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeZ } from "../../../src/editing/compute-z/compute-z.js";
import { METHODS } from "../../../src/editing/methods/index.js";
import { fixtureModel, testContext } from "../helpers.js";
import {
  Agreement,
  checkCovarianceTraces,
  covariances,
  FORWARD_TOLERANCE,
  goldenHparams,
  preparedRequests,
  readEditGolden,
  type GoldenFile,
} from "./helpers.js";

type Sites = Record<"mlp" | "attn", number[][]>;

interface PmetGolden extends GoldenFile {
  pmet: { z: Sites; h_init: Sites; z_steps: number[]; z_top1: boolean[][]; deltas: Record<string, number[]> };
  pmet_blue: {
    z: Record<string, Sites>;
    z_steps: Record<string, number[]>;
    z_top1: Record<string, boolean[][]>;
    deltas: Record<string, number[]>;
  };
}

for (const name of ["gpt2-tiny", "llama-tiny"] as const) {
  describe(`PMET golden (${name})`, () => {
    const golden = readEditGolden<PmetGolden>(`pmet-${name}.json`);
    const model = fixtureModel(name);
    const h = golden.inputs.hparams;
    const cov = covariances(model, golden.inputs.corpus, h.layers as number[]);
    const requests = preparedRequests(golden.inputs.requests!);

    it("C0 matches (trace)", () => checkCovarianceTraces(cov, golden));

    it("compute_z at the attention and MLP outputs: both z, h and the steps", (t) => {
      const layers = h.layers as number[];
      const hparams = goldenHparams(h, { layers, blue: false });
      const zr = computeZ(model, requests, {
        layer: layers[layers.length - 1],
        sites: ["attn", "mlp"],
        hparams,
        maxProbabilityRule: true,
      });
      const agree = new Agreement();
      for (const site of ["attn", "mlp"] as const) {
        golden.pmet.z[site].forEach((z, r) => agree.check(`z of ${site} ${r}`, zr.z.get(site)![r], z));
        golden.pmet.h_init[site].forEach((hi, r) =>
          agree.check(`h of ${site} ${r}`, zr.init.get(site)![r], hi, FORWARD_TOLERANCE),
        );
      }
      assert.deepEqual(zr.steps, golden.pmet.z_steps);
      t.diagnostic(agree.report());
    });

    it("PMET: z and ΔW of every layer", (t) => {
      const hparams = goldenHparams(h, { layers: h.layers as number[], blue: false });
      const result = METHODS.pmet(testContext(model, hparams, cov), requests);
      const agree = new Agreement();
      const [zLog] = result.z;
      golden.pmet.z.mlp.forEach((z, r) => agree.check(`z of request ${r}`, zLog.z[r], z));
      for (const u of result.updates)
        agree.check(`ΔW of layer ${u.layer}`, u.delta, golden.pmet.deltas[u.layer]);
      t.diagnostic(agree.report());
    });

    it("PMET+BLUE: z at each boundary layer, steps and both ΔW", (t) => {
      const hparams = goldenHparams(h, { layers: h.blue_layers as number[], blue: true });
      const result = METHODS.pmet(testContext(model, hparams, cov), requests);
      const ref = golden.pmet_blue;
      const agree = new Agreement();
      for (const zLog of result.z) {
        const layer = String(zLog.layer);
        ref.z[layer].mlp.forEach((z, r) => agree.check(`z of request ${r} at layer ${layer}`, zLog.z[r], z));
        assert.deepEqual(zLog.steps, ref.z_steps[layer], `steps at layer ${layer}`);
      }
      for (const u of result.updates) agree.check(`ΔW of layer ${u.layer}`, u.delta, ref.deltas[u.layer]);
      t.diagnostic(agree.report());
    });

    it("the goldens exercise the max-probability rule", () => {
      const fired = [...golden.pmet.z_top1, ...Object.values(golden.pmet_blue.z_top1).flat()].flat();
      assert.ok(fired.some(Boolean));
    });
  });
}
