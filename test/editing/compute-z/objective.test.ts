// compute_z's objective: its gradient against central finite differences (directional, in several
// random directions) at each delta site, and its value against an independent full forward from
// the embedding (no cached lower layers, logits everywhere).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ZObjective, type SiteVectors } from "../../../src/editing/compute-z/objective.js";
import { buildZRows } from "../../../src/editing/compute-z/rows.js";
import type { DeltaSite } from "../../../src/models/types.js";
import { makeBatch } from "../../../src/runtime/batch.js";
import { logSoftmax } from "../../../src/runtime/loss.js";
import { createRng } from "../../../src/util/random.js";
import { fixtureModel, randomRequests } from "../helpers.js";

const SETTINGS = { klFactor: 0.5, weightDecay: 0.3, nllFactor: 1 };

function randomDeltas(
  sites: readonly DeltaSite[],
  n: number,
  C: number,
  seed: number,
  scale: number,
): SiteVectors {
  const rng = createRng(seed);
  return new Map(
    sites.map((s) => [
      s,
      Array.from({ length: n }, () => rng.fillNormal(new Float32Array(C)).map((x) => x * scale)),
    ]),
  );
}

for (const name of ["gpt2-tiny", "llama-tiny", "gptj-tiny"] as const) {
  describe(`compute_z objective on ${name}`, () => {
    const model = fixtureModel(name);
    const C = model.config.hiddenSize;
    const requests = randomRequests(model, 3, 11, 2);
    for (const [layer, sites] of [
      [1, ["block"]],
      [2, ["block"]],
      [0, ["mlp"]],
      [1, ["attn", "mlp"]],
    ] as const) {
      it(`gradient matches finite differences (layer ${layer}, ${sites.join("+")})`, () => {
        const objective = new ZObjective(model, requests, { layer, sites, ...SETTINGS });
        const all = requests.map((_, i) => i);
        objective.evaluate(all, randomDeltas(sites, 3, C, 0, 0)); // records h and the KL reference at δ = 0
        const deltas = randomDeltas(sites, 3, C, 1, 0.5);
        const value = objective.evaluate(all, deltas);
        const rng = createRng(5);
        for (let trial = 0; trial < 3; trial++) {
          const dirs = randomDeltas(sites, 3, C, 100 + trial, 1);
          const eps = 1e-2;
          const at = (t: number) => {
            const moved: SiteVectors = new Map(
              sites.map((s) => [
                s,
                deltas.get(s)!.map((d, r) => d.map((x, c) => x + t * dirs.get(s)![r][c])),
              ]),
            );
            return objective.evaluate(all, moved).loss;
          };
          const plus = at(eps);
          const minus = at(-eps);
          for (const r of all) {
            let analytic = 0;
            for (const s of sites)
              for (let c = 0; c < C; c++) analytic += value.grad.get(s)![r][c] * dirs.get(s)![r][c];
            const numeric = (plus[r] - minus[r]) / (2 * eps);
            assert.ok(
              Math.abs(analytic - numeric) <= 2e-3 + 2e-2 * Math.abs(numeric),
              `request ${r}: analytic ${analytic} vs numeric ${numeric}`,
            );
          }
          rng.next();
        }
      });
    }

    it("the NLL part equals an independent full forward from the embedding", () => {
      const layer = 1;
      const objective = new ZObjective(model, requests, { layer, sites: ["block"], ...SETTINGS });
      const all = requests.map((_, i) => i);
      objective.evaluate(all, randomDeltas(["block"], 3, C, 0, 0));
      const deltas = randomDeltas(["block"], 3, C, 3, 0.7);
      const ours = objective.evaluate(all, deltas);
      const rows = buildZRows(requests);
      const batch = makeBatch(rows.sequences, { padSide: "right" });
      const hooks = rows.sequences.map((_, row) => ({
        layer,
        site: "block" as const,
        row,
        position: rows.lookups[row],
        vector: deltas.get("block")![rows.owner[row]],
      }));
      const { logits } = model.forward(batch, { deltas: hooks, logits: "all" });
      const V = model.config.vocabSize;
      requests.forEach((req, r) => {
        let nll = 0;
        rows.requestRows[r].rewrite.forEach((row, p) => {
          const promptLength = req.rewrite[p].ids.length;
          req.targetIds.forEach((t, j) => {
            const logp = logSoftmax(logits, (row * batch.T + promptLength - 1 + j) * V, V);
            nll -= logp[t] / (req.targetIds.length * req.rewrite.length);
          });
        });
        assert.ok(
          Math.abs(nll - ours.nll[r]) < 1e-4 * Math.max(1, nll),
          `request ${r}: ${ours.nll[r]} vs ${nll}`,
        );
      });
    });

    it("an inactive request's rows are left out without changing the others' losses", () => {
      const objective = new ZObjective(model, requests, { layer: 1, sites: ["block"], ...SETTINGS });
      const zero = randomDeltas(["block"], 3, C, 0, 0);
      objective.evaluate([0, 1, 2], zero);
      const deltas = randomDeltas(["block"], 3, C, 9, 0.4);
      const all = objective.evaluate([0, 1, 2], deltas);
      const some = objective.evaluate([0, 2], deltas);
      assert.ok(Number.isNaN(some.loss[1]));
      for (const r of [0, 2])
        assert.ok(Math.abs(all.loss[r] - some.loss[r]) < 1e-5 * Math.max(1, all.loss[r]));
    });
  });
}
