// ROME against the goldens of the independent PyTorch implementation (scripts/golden/
// make_edit_goldens.py, after kmeng01/rome): four requests edited one after another at one layer,
// each on the model carrying the earlier ones; each request's v* (z at the MLP output), its initial
// MLP output and Adam steps, and the sum of the four rank-one ΔW.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
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

interface RomeGolden extends GoldenFile {
  rome: { z: number[][]; h_init: number[][]; z_steps: number[]; delta: number[] };
}

for (const name of ["gpt2-tiny", "llama-tiny"] as const) {
  describe(`ROME golden (${name})`, () => {
    const golden = readEditGolden<RomeGolden>(`rome-${name}.json`);
    const model = fixtureModel(name);
    const h = golden.inputs.hparams;
    const cov = covariances(model, golden.inputs.corpus, h.layers as number[]);
    const requests = preparedRequests(golden.inputs.requests!);

    it("C0 matches (trace)", () => checkCovarianceTraces(cov, golden));

    it("v*, h, steps of each request and the summed ΔW", (t) => {
      const hparams = goldenHparams(h, { layers: h.layers as number[] });
      const result = METHODS.rome(testContext(model, hparams, cov), requests);
      const agree = new Agreement();
      assert.equal(result.z.length, requests.length);
      result.z.forEach((zLog, r) => {
        agree.check(`z of request ${r}`, zLog.z[0], golden.rome.z[r]);
        agree.check(`h of request ${r}`, zLog.hInit[0], golden.rome.h_init[r], FORWARD_TOLERANCE);
        assert.equal(zLog.steps[0], golden.rome.z_steps[r], `steps of request ${r}`);
      });
      const [update] = result.updates;
      agree.check("ΔW", update.delta, golden.rome.delta);
      t.diagnostic(agree.report());
    });
  });
}
