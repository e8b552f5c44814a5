// compute_z's non-finite loss names its cause (issue 14, case 5): on a model whose weights are
// finite but overflow float32 in the forward pass, the error says the unedited model's output is
// already not finite before any step (and where); when δ is driven to overflow by a huge step
// size (here an infinite v_lr), it names ‖δ‖, v_lr and clamp_norm_factor instead.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeZ } from "../../../src/editing/compute-z/compute-z.js";
import { fixtureModel, randomRequests, testHparams } from "../helpers.js";

describe("compute_z on a non-finite loss", () => {
  it("names overflowing weights when the unedited model's loss is already not finite", () => {
    const model = fixtureModel("gpt2-tiny");
    model.param("ln_f.weight").fill(3e38); // finite, but the logits overflow
    const requests = randomRequests(model, 2, 3);
    assert.throws(
      () => computeZ(model, requests, { layer: 1, sites: ["block"], hparams: testHparams({}) }),
      /compute_z at layer 1: request 0 \(id 0\): the loss is (NaN|Infinity) before any step.*unedited model.*not finite.*(overflow|huge)/,
    );
  });

  it("names the step size when δ itself overflows", () => {
    const model = fixtureModel("gpt2-tiny");
    const requests = randomRequests(model, 1, 4);
    const hparams = testHparams({ v_lr: Infinity, v_num_grad_steps: 6 });
    assert.throws(
      () => computeZ(model, requests, { layer: 1, sites: ["block"], hparams }),
      /compute_z at layer 1: request 0 \(id 0\): the loss became (NaN|Infinity) after \d+ steps?: ‖δ‖ = .*v_lr = Infinity.*clamp_norm_factor = 4/,
    );
  });
});
