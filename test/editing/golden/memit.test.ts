// MEMIT and MEMIT+BLUE against the goldens of the independent PyTorch implementation
// (scripts/golden/make_edit_goldens.py): C0's trace, each request's z, initial hidden state,
// compute_z losses and Adam steps, and every ΔW, at the float32 tolerance of ./helpers.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { METHODS } from "../../../src/editing/methods/index.js";
import { fixtureModel, testContext } from "../helpers.js";
import {
  Agreement,
  checkCovarianceTraces,
  covariances,
  goldenHparams,
  FORWARD_TOLERANCE,
  preparedRequests,
  readEditGolden,
  type GoldenFile,
} from "./helpers.js";

interface MemitRun {
  z: number[][] | Record<string, number[][]>;
  h_init: number[][] | Record<string, number[][]>;
  z_loss: number[][] | Record<string, number[][]>;
  z_steps: number[] | Record<string, number[]>;
  deltas: Record<string, number[]>;
}

interface MemitGolden extends GoldenFile {
  memit: MemitRun;
  memit_blue: MemitRun;
}

for (const name of ["gpt2-tiny", "llama-tiny"] as const) {
  describe(`MEMIT golden (${name})`, () => {
    const golden = readEditGolden<MemitGolden>(`memit-${name}.json`);
    const model = fixtureModel(name);
    const h = golden.inputs.hparams;
    const cov = covariances(model, golden.inputs.corpus, h.layers as number[]);
    const requests = preparedRequests(golden.inputs.requests!);

    it("C0 matches (trace)", () => checkCovarianceTraces(cov, golden));

    it("MEMIT: z, h, losses, steps and ΔW of every layer", (t) => {
      const hparams = goldenHparams(h, { layers: h.layers as number[], blue: false });
      const result = METHODS.memit(testContext(model, hparams, cov), requests);
      const ref = golden.memit;
      const agree = new Agreement();
      const [zLog] = result.z;
      (ref.z as number[][]).forEach((z, r) => agree.check(`z of request ${r}`, zLog.z[r], z));
      (ref.h_init as number[][]).forEach((hi, r) =>
        agree.check(`h of request ${r}`, zLog.hInit[r], hi, FORWARD_TOLERANCE),
      );
      (ref.z_loss as number[][]).forEach(([before, after], r) => {
        agree.check(`loss0 of request ${r}`, [zLog.lossBefore[r]], [before], FORWARD_TOLERANCE);
        agree.check(`loss of request ${r}`, [zLog.lossAfter[r]], [after]);
      });
      assert.deepEqual(zLog.steps, ref.z_steps);
      assert.deepEqual(
        result.updates.map((u) => u.layer),
        h.layers,
      );
      for (const u of result.updates) agree.check(`ΔW of layer ${u.layer}`, u.delta, ref.deltas[u.layer]);
      t.diagnostic(agree.report());
    });

    it("MEMIT+BLUE: z at each boundary layer, steps and both ΔW", (t) => {
      const hparams = goldenHparams(h, { layers: h.blue_layers as number[], blue: true });
      const result = METHODS.memit(testContext(model, hparams, cov), requests);
      const ref = golden.memit_blue;
      const agree = new Agreement();
      for (const zLog of result.z) {
        const layer = String(zLog.layer);
        (ref.z as Record<string, number[][]>)[layer].forEach((z, r) =>
          agree.check(`z of request ${r} at layer ${layer}`, zLog.z[r], z),
        );
        assert.deepEqual(zLog.steps, (ref.z_steps as Record<string, number[]>)[layer]);
      }
      for (const u of result.updates) agree.check(`ΔW of layer ${u.layer}`, u.delta, ref.deltas[u.layer]);
      t.diagnostic(agree.report());
    });
  });
}
