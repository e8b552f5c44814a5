// compute_z's objective: its gradient against central finite differences (directional, in several
// random directions, each site and request apart; a zero or sign-flipped gradient fails) and its
// value against an independent full forward from the embedding (no cached lower layers, logits
// everywhere).
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
/** Directional finite differences: step, directions per site, relative tolerance on the vector of them. */
const FD_STEP = 1e-2;
const DIRECTIONS = 4;
// The loss (≈ 2–7) is computed from float32 logits: one float32 ulp of it over the step 2ε is the
// quotient's rounding noise (≤ 2.4e-5, each ‖numeric‖ is ≥ 300× it); the O(ε²) truncation adds
// ~1e-4 relative. Measured ‖analytic − numeric‖ / ‖numeric‖ ≤ 9.1e-4 over every case below.
const FD_TOLERANCE = 1e-2;

/** The spacing of float32 numbers at |x|. */
function ulp32(x: number): number {
  const f = new Float32Array([Math.abs(x)]);
  const bits = new Uint32Array(f.buffer);
  bits[0]++;
  return f[0] - Math.fround(Math.abs(x));
}

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
        // Each site's gradient, per request, along DIRECTIONS random directions that move only that
        // site: analytic a_k = g·d_k against the central difference n_k, compared as vectors.
        for (const site of sites) {
          const analytic = requests.map(() => [] as number[]);
          const numeric = requests.map(() => [] as number[]);
          for (let k = 0; k < DIRECTIONS; k++) {
            const dirs = randomDeltas([site], 3, C, 100 + k, 1).get(site)!;
            const at = (t: number) => {
              const moved = new Map(deltas);
              moved.set(
                site,
                deltas.get(site)!.map((d, r) => d.map((x, c) => x + t * dirs[r][c])),
              );
              return objective.evaluate(all, moved).loss;
            };
            const [plus, minus] = [at(FD_STEP), at(-FD_STEP)];
            for (const r of all) {
              let a = 0;
              for (let c = 0; c < C; c++) a += value.grad.get(site)![r][c] * dirs[r][c];
              analytic[r].push(a);
              numeric[r].push((plus[r] - minus[r]) / (2 * FD_STEP));
            }
          }
          for (const r of all) {
            const n = Math.hypot(...numeric[r]);
            const err = Math.hypot(...analytic[r].map((a, k) => a - numeric[r][k]));
            // the comparison is meaningful (and fails for a zero or sign-flipped gradient, whose error
            // is ‖n‖ or 2‖n‖) only when ‖n‖ stands well above the rounding of the loss
            const noise = ulp32(value.loss[r]) / (2 * FD_STEP);
            assert.ok(
              n >= 100 * noise,
              `${site} request ${r}: ‖numeric‖ ${n} is within 100× the FD noise ${noise}`,
            );
            assert.ok(
              err <= FD_TOLERANCE * n,
              `${site} request ${r}: ‖analytic − numeric‖ ${err.toExponential(2)} vs ‖numeric‖ ${n.toExponential(2)}`,
            );
          }
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
