// Edits on the tiny random-weight fixtures (gpt2, llama): after a batch of 10, the new target is
// the argmax for at least 9 of 10 prompts (MEMIT, MEMIT+BLUE, PMET+BLUE, AlphaEdit; PMET 7); BLUE touches
// exactly the two boundary layers; computing deltas leaves the model bit for bit as it was; ROME
// makes the MLP output at the plain prompt equal v*; restore gives back the original weights.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDeltas, WeightSnapshot, withDeltasApplied } from "../../../src/editing/apply-deltas.js";
import { keysAndHidden } from "../../../src/editing/compute-ks.js";
import { computeZ } from "../../../src/editing/compute-z/compute-z.js";
import { METHODS } from "../../../src/editing/methods/index.js";
import type { EditMethod } from "../../../src/editing/hparams/types.js";
import { nullSpaceProjector } from "../../../src/linalg/index.js";
import {
  copyParams,
  fixtureModel,
  plainPromptArgmax,
  randomCovariances,
  randomRequests,
  sameParams,
  testContext,
  testHparams,
} from "../helpers.js";

const CASES: { method: EditMethod; blue: boolean; layers: number[] }[] = [
  { method: "memit", blue: false, layers: [0, 1] },
  { method: "memit", blue: true, layers: [0, 1] },
  { method: "pmet", blue: false, layers: [0, 1] },
  { method: "pmet", blue: true, layers: [0, 1] },
  { method: "alphaedit", blue: false, layers: [0, 1] },
  { method: "alphaedit", blue: true, layers: [0, 1] },
];

for (const name of ["gpt2-tiny", "llama-tiny"] as const) {
  describe(`edits on ${name}`, () => {
    const model = fixtureModel(name);
    const covariances = randomCovariances(model, [0, 1, 2]);
    const requests = randomRequests(model, 10, 21, 1, 0);

    for (const { method, blue, layers } of CASES) {
      it(`${method}${blue ? "+BLUE" : ""}: ≥ 9/10 new targets become the argmax; pure; restorable`, () => {
        const hparams = testHparams({ layers, blue, v_num_grad_steps: 30, nullspace_threshold: 0.5 });
        const context = testContext(model, hparams, covariances);
        const F = Math.round(Math.sqrt(covariances.get(0)!.length));
        context.projector = (l) => nullSpaceProjector({ data: covariances.get(l)!, shape: [F, F] }, 1e9).data;
        const before = copyParams(model);
        const result = METHODS[method](context, requests);
        assert.deepEqual(sameParams(model, before), [], "computing deltas changed the model");
        assert.deepEqual(
          result.updates.map((u) => u.layer),
          layers,
        );
        const snapshot = new WeightSnapshot(model);
        applyDeltas(model, result.updates, snapshot);
        const argmax = plainPromptArgmax(model, requests);
        const hits = requests.filter((r, i) => argmax[i] === r.targetIds[0]).length;
        // PMET's compute_zs stops once the target is top-1 and its KL term ≤ 0.01 (here at once, with
        // kl_factor 0.0625), so its z is barely top-1 and √-spread over two layers; measured 8/10
        const least = method === "pmet" && !blue ? 7 : 9;
        assert.ok(hits >= least, `${hits}/10 targets are the argmax`);
        snapshot.restore();
        assert.deepEqual(sameParams(model, before), []);
      });
    }

    it("BLUE over a longer window updates exactly its first and last layers, reporting each update", () => {
      const hparams = testHparams({ layers: [0, 1, 2], blue: true, v_num_grad_steps: 3 });
      const stages: string[] = [];
      const context = {
        ...testContext(model, hparams, covariances),
        onProgress: (e: { stage: string; layer?: number; step?: number; total?: number }) =>
          void stages.push(e.stage === "z" ? `z ${e.layer}` : `${e.stage} ${e.layer} ${e.step}/${e.total}`),
      };
      const result = METHODS.memit(context, requests.slice(0, 3));
      // the solve is reported as its own stage, not left under the last compute_z step
      assert.deepEqual(
        stages.filter((s, i) => s !== stages[i - 1]),
        ["z 0", "layer 0 1/2", "z 2", "layer 2 2/2"],
      );
      assert.deepEqual(
        result.updates.map((u) => u.layer),
        [0, 2],
      );
      assert.deepEqual(
        result.z.map((z) => z.layer),
        [0, 2],
      );
    });

    it("ROME: after the edit the MLP output at the plain prompt equals v*", () => {
      const hparams = testHparams({ layers: [1], v_num_grad_steps: 10 });
      const one = requests.slice(0, 1);
      const vStar = computeZ(model, one, { layer: 1, sites: ["mlp"], hparams }).z.get("mlp")![0];
      const result = METHODS.rome(testContext(model, hparams, covariances), one);
      withDeltasApplied(model, (apply) => {
        const before = keysAndHidden(model, one, 1, 1, "mlp").hidden;
        apply(result.updates);
        const after = keysAndHidden(model, one, 1, 1, "mlp").hidden;
        const moved = Math.hypot(...before.map((x, c) => x - vStar[c]));
        const error = Math.hypot(...after.map((x, c) => x - vStar[c]));
        assert.ok(moved > 0.1, `v* equals the unedited output (${moved})`);
        assert.ok(error <= 1e-4 * Math.hypot(...vStar), `‖W k − v*‖ = ${error}`);
      });
    });
  });
}

describe("the shared applier", () => {
  const model = fixtureModel("gpt2-tiny");
  const name = "h.0.mlp.c_proj.weight";
  const size = model.param(name).length;

  it("restores bit for bit after several batches", () => {
    const before = copyParams(model);
    const snapshot = new WeightSnapshot(model);
    for (let b = 0; b < 3; b++)
      applyDeltas(
        model,
        [{ layer: 0, weight: name, rows: 32, cols: 128, delta: new Float32Array(size).fill(0.1 / 3) }],
        snapshot,
      );
    assert.deepEqual(snapshot.touched, [name]);
    assert.notDeepEqual(sameParams(model, before), []);
    snapshot.restore();
    assert.deepEqual(sameParams(model, before), []);
  });

  it("restores even when the work in between throws", () => {
    const before = copyParams(model);
    assert.throws(
      () =>
        withDeltasApplied(model, (apply) => {
          apply([{ layer: 0, weight: name, rows: 32, cols: 128, delta: new Float32Array(size).fill(1) }]);
          throw new Error("boom");
        }),
      /boom/,
    );
    assert.deepEqual(sameParams(model, before), []);
  });

  it("rejects a delta of the wrong size or with NaN, naming the weight", () => {
    assert.throws(
      () => applyDeltas(model, [{ layer: 0, weight: name, rows: 1, cols: 1, delta: new Float32Array(3) }]),
      /h\.0\.mlp\.c_proj\.weight: 3 values/,
    );
    const bad = new Float32Array(size);
    bad[5] = NaN;
    assert.throws(
      () => applyDeltas(model, [{ layer: 0, weight: name, rows: 32, cols: 128, delta: bad }]),
      /NaN at 5/,
    );
  });
});
