// computeZ's PMET max-probability rule (xpq-tech/PMET compute_zs): a request whose target is
// already the argmax at every rewrite prompt stops at the first evaluation (its KL term is 0 there),
// while without the rule it takes every Adam step; and the NLL weight the rule lowers scales the
// objective's NLL exactly. (The rule's effect over whole runs is in ../golden/pmet.test.ts.)
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeZ } from "../../../src/editing/compute-z/compute-z.js";
import { ZObjective } from "../../../src/editing/compute-z/objective.js";
import type { PreparedRequest } from "../../../src/editing/prepare/prepared-request.js";
import { makeBatch } from "../../../src/runtime/batch.js";
import { fixtureModel, randomRequests, testHparams } from "../helpers.js";

const model = fixtureModel("gpt2-tiny");
const V = model.config.vocabSize;

/** The next-token argmax after `ids`. */
function argmaxAfter(ids: number[]): number {
  const { logits } = model.forward(makeBatch([ids]), { logits: [{ row: 0, position: ids.length - 1 }] });
  let best = 0;
  for (let v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;
  return best;
}

/** A request (from a fixed random pool) whose plain and templated prompts share their argmax; that argmax becomes its target. */
function alreadyTopRequest(): PreparedRequest {
  for (const r of randomRequests(model, 40, 3, 1, 1)) {
    const tops = r.rewrite.map((p) => argmaxAfter(p.ids));
    if (tops.every((t) => t === tops[0])) return { ...r, targetIds: [tops[0]] };
  }
  throw new Error("no request in the pool has one argmax over its prompts");
}

describe("computeZ with PMET's max-probability rule", () => {
  const request = alreadyTopRequest();
  const hparams = testHparams({ v_num_grad_steps: 5 });
  const run = (rule: boolean) =>
    computeZ(model, [request], { layer: 1, sites: ["attn", "mlp"], hparams, maxProbabilityRule: rule });

  it("a target already top-1 stops at the first evaluation, z = h", () => {
    const ruled = run(true);
    assert.deepEqual(ruled.steps, [0]);
    for (const site of ["attn", "mlp"] as const)
      assert.deepEqual(ruled.z.get(site)![0], ruled.init.get(site)![0]);
    assert.deepEqual(run(false).steps, [4], "without the rule every step is taken");
  });

  it("the NLL scale multiplies the NLL term of the loss; the reported NLL stays unscaled", () => {
    const objective = new ZObjective(model, [request], {
      layer: 1,
      sites: ["mlp"],
      klFactor: 0.5,
      weightDecay: 0.3,
      nllFactor: 1,
    });
    const zero = new Map([["mlp" as const, [new Float32Array(model.config.hiddenSize)]]]);
    const full = objective.evaluate([0], zero);
    const scaled = objective.evaluate([0], zero, [0.1]);
    assert.ok(full.targetTop[0]);
    // the same forward; only the weight of the log-probabilities in the loss changes
    assert.ok(Math.abs(scaled.nll[0] - full.nll[0]) <= 1e-12 * full.nll[0]);
    const others = full.loss[0] - full.nll[0];
    assert.ok(Math.abs(scaled.loss[0] - (0.1 * full.nll[0] + others)) <= 1e-12 * full.loss[0]);
  });
});
