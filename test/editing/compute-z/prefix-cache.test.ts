// compute_z with its prefix cache (each step runs rows from the lookup token on, attending to the
// cached keys and values of the positions before it) against the uncached objective over whole
// rows: the loss, every request's gradient at every delta site, and the z that computeZ returns
// agree within 1e-5 relative on the gpt2, gptj and llama fixtures and on llama-tiny-f16, whose
// weights stay 16-bit in memory (HalfTensor); so do passes of a few requests (the pass size only
// splits the batch).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { computeZ } from "../../../src/editing/compute-z/compute-z.js";
import { ZObjective, type SiteVectors } from "../../../src/editing/compute-z/objective.js";
import { HalfTensor } from "../../../src/models/layers/weight.js";
import type { DeltaSite } from "../../../src/models/types.js";
import { createRng } from "../../../src/util/random.js";
import { fixtureModel, randomRequests } from "../helpers.js";

const SETTINGS = { klFactor: 0.5, weightDecay: 0.3, nllFactor: 1 };
const HPARAMS = { v_num_grad_steps: 8, v_lr: 0.5, v_weight_decay: 0.3, clamp_norm_factor: 4, kl_factor: 0.5 };

/** max |a − b| / max |b| over two lists of vectors. */
function relative(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  let diff = 0;
  let scale = 0;
  a.forEach((x, i) => {
    for (let c = 0; c < x.length; c++) {
      diff = Math.max(diff, Math.abs(x[c] - b[i][c]));
      scale = Math.max(scale, Math.abs(b[i][c]));
    }
  });
  return diff / scale;
}

for (const name of ["gpt2-tiny", "gptj-tiny", "llama-tiny", "llama-tiny-f16"] as const) {
  describe(`compute_z prefix cache on ${name}`, () => {
    const model = fixtureModel(name);
    if (name === "llama-tiny-f16")
      it("keeps its weights 16-bit in memory (the cached paths run on HalfTensor weights)", () => {
        for (const spec of model.specs) assert.ok(model.weight(spec.name) instanceof HalfTensor, spec.name);
      });
    const C = model.config.hiddenSize;
    // a longer tail after the subject and two target tokens: suffixes of several positions
    const requests = randomRequests(model, 4, 23, 2, 3);
    const all = requests.map((_, i) => i);
    for (const [layer, sites] of [
      [1, ["block"]],
      [model.numLayers - 1, ["block"]],
      [0, ["mlp"]],
      [1, ["attn", "mlp"]],
    ] as const) {
      it(`objective and gradient equal the uncached ones (layer ${layer}, ${sites.join("+")})`, () => {
        const rng = createRng(layer * 7 + sites.length);
        const deltas: SiteVectors = new Map(
          sites.map((s: DeltaSite) => [
            s,
            all.map(() => rng.fillNormal(new Float32Array(C)).map((x) => 0.4 * x)),
          ]),
        );
        const zero: SiteVectors = new Map(
          sites.map((s: DeltaSite) => [s, all.map(() => new Float32Array(C))]),
        );
        const run = (options: { prefixCache: boolean; passTokens?: number }) => {
          const objective = new ZObjective(model, requests, { layer, sites, ...SETTINGS, ...options });
          objective.evaluate(all, zero);
          return objective.evaluate(all, deltas);
        };
        const ref = run({ prefixCache: false });
        for (const options of [{ prefixCache: true }, { prefixCache: true, passTokens: 1 }]) {
          const ours = run(options);
          const loss = relative([ours.loss], [ref.loss]);
          assert.ok(loss < 1e-5, `loss: relative ${loss} (${JSON.stringify(options)})`);
          for (const site of sites) {
            const grad = relative(ours.grad.get(site)!, ref.grad.get(site)!);
            assert.ok(grad < 1e-5, `gradient at ${site}: relative ${grad} (${JSON.stringify(options)})`);
          }
        }
      });
    }

    for (const [layer, sites] of [
      [1, ["block"]],
      [1, ["attn", "mlp"]],
    ] as const) {
      it(`computeZ's z equals the uncached one (layer ${layer}, ${sites.join("+")})`, () => {
        const run = (prefixCache: boolean) =>
          computeZ(model, requests, { layer, sites, hparams: HPARAMS, prefixCache });
        const ours = run(true);
        const ref = run(false);
        assert.deepEqual(ours.steps, ref.steps);
        for (const site of sites) {
          const z = relative(ours.z.get(site)!, ref.z.get(site)!);
          assert.ok(z < 1e-5, `z at ${site}: relative ${z}`);
        }
        assert.ok(relative([ours.lossAfter], [ref.lossAfter]) < 1e-5);
      });
    }
  });
}
