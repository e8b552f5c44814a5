// The weight shift terms against independent computations on a tiny random GPT-2: E^l equals the
// difference of two separate MEMIT solves, ‖Q‖₂ equals the largest singular value of
// Q = (M⁻¹K)ᵀ with M = λC0 + KKᵀ formed and solved here, and the bound holds. The template
// scorer's cached forward from a layer agrees with full forwards one prompt at a time.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { keysAndHidden } from "../../src/editing/compute-ks.js";
import { residuals } from "../../src/editing/methods/layer-family.js";
import { MEMIT_FAMILY } from "../../src/editing/methods/memit/memit.js";
import { memitLayerDelta } from "../../src/editing/methods/memit/solve.js";
import type { DiagnosticsContext } from "../../src/diagnostics/context.js";
import { TemplateScorer } from "../../src/diagnostics/target-probability.js";
import { batchShift, batchSizesFor } from "../../src/diagnostics/weight-shift.js";
import { solveSpd, svd } from "../../src/linalg/index.js";
import { makeBatch } from "../../src/runtime/batch.js";
import { logSoftmax } from "../../src/runtime/loss.js";
import { createRng } from "../../src/util/random.js";
import {
  fixtureModel,
  randomCovariances,
  randomRequests,
  testContext,
  testHparams,
} from "../editing/helpers.js";

function frob(a: ArrayLike<number>, b?: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - (b ? b[i] : 0)) ** 2;
  return Math.sqrt(s);
}

describe("weight shift terms (gpt2-tiny)", () => {
  const model = fixtureModel("gpt2-tiny");
  const layers = [0, 1];
  const hparams = testHparams({ layers, v_loss_layer: model.numLayers - 1 });
  const covariances = randomCovariances(model, layers);
  const requests = randomRequests(model, 5, 3);
  const C = model.config.hiddenSize;
  const rng = createRng(11);
  const randomZ = () => requests.map(() => rng.fillNormal(new Float32Array(C), 0, 1));
  const zLast = randomZ();
  const zOwn = new Map([
    [0, randomZ()],
    [1, zLast],
  ]);
  const d = {
    model,
    family: MEMIT_FAMILY,
    layers,
    last: 1,
    hparams,
    covariance: (l: number) => covariances.get(l)!,
  } as unknown as DiagnosticsContext;
  const context = testContext(model, hparams, covariances);
  const { terms, errors } = batchShift(d, requests, zLast, (l) => zOwn.get(l)!, context);

  it("E^0 is the difference of the distributed and the own solve; E^L is zero", () => {
    const n = requests.length;
    const hiddenL = keysAndHidden(model, requests, 1, 1).hidden;
    const { keys, hidden } = keysAndHidden(model, requests, 0, 0);
    const lambda = hparams.mom2_update_weight;
    const distributed = memitLayerDelta(keys, residuals(zLast, hiddenL, 0.5), n, covariances.get(0)!, lambda);
    const own = memitLayerDelta(keys, residuals(zOwn.get(0)!, hidden, 1), n, covariances.get(0)!, lambda);
    const expected = distributed.map((x, i) => x - own[i]);
    const scale = Math.max(frob(distributed), frob(own));
    assert.ok(frob(errors[0], expected) <= 1e-5 * scale, `‖E − (ΔW̃ − ΔW*)‖ = ${frob(errors[0], expected)}`);
    assert.ok(Math.abs(terms.distributed_norm[0] - frob(distributed)) <= 1e-5 * scale);
    assert.ok(Math.abs(terms.own_norm[0] - frob(own)) <= 1e-5 * scale);
    assert.equal(terms.error_norm[1], 0);
    assert.ok(errors[1].every((x) => x === 0));
  });

  it("‖Q‖₂ is the largest singular value of (λC0 + KKᵀ)⁻¹K, and the bound holds", () => {
    const n = requests.length;
    const { keys } = keysAndHidden(model, requests, 0, 0);
    const F = keys.length / n;
    const M = Float64Array.from(covariances.get(0)!, (c) => hparams.mom2_update_weight * c);
    for (let i = 0; i < n; i++)
      for (let a = 0; a < F; a++)
        for (let b = 0; b < F; b++) M[a * F + b] += keys[i * F + a] * keys[i * F + b];
    const K = new Float64Array(F * n); // (F, n)
    for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) K[f * n + i] = keys[i * F + f];
    const A = solveSpd(
      { data: M, shape: [F, F] },
      { data: K, shape: [F, n] },
      { symmetryTolerance: Infinity },
    );
    const sigma = svd(A).s.data[0];
    assert.ok(Math.abs(terms.q_norm[0] - sigma) <= 1e-5 * sigma, `${terms.q_norm[0]} vs ${sigma}`);
    for (let i = 0; i < layers.length; i++) {
      assert.ok(terms.error_norm[i] <= terms.tight_bound[i] * (1 + 1e-5) + 1e-12);
      assert.ok(terms.tight_bound[i] <= terms.bound[i] * (1 + 1e-9) + 1e-12);
    }
    assert.deepEqual(terms.distance_term, [
      frob(residuals(zLast, keysAndHidden(model, requests, 1, 1).hidden, 1)),
      0,
    ]);
  });

  it("batch sizes follow 1, 10, 50, 100 … up to the record count", () => {
    assert.deepEqual(batchSizesFor(1), [1]);
    assert.deepEqual(batchSizesFor(4), [1, 4]);
    assert.deepEqual(batchSizesFor(100), [1, 10, 50, 100]);
    assert.deepEqual(batchSizesFor(120), [1, 10, 50, 100, 120]);
  });

  it("the template scorer's cached forward agrees with one full forward per prompt", () => {
    const scorer = new TemplateScorer(model, requests, [0, 1]);
    const vectors = requests.map(() => rng.fillNormal(new Float32Array(C), 0, 0.5));
    const V = model.config.vocabSize;
    for (const intervention of [null, { layer: 1, site: "block" as const, vectors }]) {
      const got = scorer.probabilities(intervention);
      requests.forEach((r, i) => {
        let sum = 0;
        for (const p of r.rewrite) {
          const ids = [...p.ids, ...r.targetIds.slice(0, -1)];
          const deltas = intervention
            ? [{ layer: 1, site: "block" as const, row: 0, position: p.lookup, vector: vectors[i] }]
            : [];
          const { logits } = model.forward(makeBatch([ids]), { deltas, logits: "all" });
          let nll = 0;
          r.targetIds.forEach((t, j) => (nll -= logSoftmax(logits, (p.ids.length - 1 + j) * V, V)[t]));
          sum += Math.exp(-nll / r.targetIds.length);
        }
        const expected = sum / r.rewrite.length;
        assert.ok(
          Math.abs(got[i] - expected) <= 1e-5 * Math.max(expected, 1e-6),
          `request ${i}: ${got[i]} vs ${expected}`,
        );
      });
    }
  });
});
