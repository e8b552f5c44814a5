// AlphaEdit and AlphaEdit+BLUE over two sequential batches against the goldens of the independent
// PyTorch implementation (scripts/golden/make_edit_goldens.py, after jianghoucheng/AlphaEdit and
// xpq-tech/BLUE): the null-space projector's rank, each batch's z and ΔW, and cache_c (the K Kᵀ of
// each batch read on the edited model), which the second batch's solve uses. The state that spans
// batches is held here as the Editor holds it.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { applyDeltas, WeightSnapshot } from "../../../src/editing/apply-deltas.js";
import { METHODS } from "../../../src/editing/methods/index.js";
import { nullSpaceProjector } from "../../../src/linalg/index.js";
import { fixtureModel, testContext } from "../helpers.js";
import {
  Agreement,
  checkCovarianceTraces,
  covariances,
  goldenHparams,
  preparedRequests,
  readEditGolden,
  type GoldenFile,
} from "./helpers.js";

interface AlphaBatch {
  z: number[][] | Record<string, number[][]>;
  z_steps: number[] | Record<string, number[]>;
  deltas: Record<string, number[]>;
  cache_keys: Record<string, number[][]>;
}

interface AlphaGolden extends GoldenFile {
  alphaedit: { P_rank: Record<string, number>; batches: AlphaBatch[] };
  alphaedit_blue: { P_rank: Record<string, number>; batches: AlphaBatch[] };
}

/** K Kᵀ (F², float64) of the golden's keys (n × F). */
function gramOf(keys: number[][]): Float64Array {
  const F = keys[0].length;
  const out = new Float64Array(F * F);
  for (const k of keys) for (let i = 0; i < F; i++) for (let j = 0; j < F; j++) out[i * F + j] += k[i] * k[j];
  return out;
}

for (const name of ["gpt2-tiny", "llama-tiny"] as const) {
  describe(`AlphaEdit golden over two batches (${name})`, () => {
    const golden = readEditGolden<AlphaGolden>(`alphaedit-${name}.json`);
    const model = fixtureModel(name);
    const h = golden.inputs.hparams;
    const cov = covariances(model, golden.inputs.corpus, h.layers as number[]);
    const batches = golden.inputs.batches!.map(preparedRequests);

    it("C0 matches (trace)", () => checkCovarianceTraces(cov, golden));

    for (const blue of [false, true]) {
      const label = blue ? "AlphaEdit+BLUE" : "AlphaEdit";
      it(`${label}: projector rank, z, ΔW and cache_c of both batches`, (t) => {
        const ref = blue ? golden.alphaedit_blue : golden.alphaedit;
        const hparams = goldenHparams(h, { layers: h[blue ? "blue_layers" : "layers"] as number[], blue });
        const projectors = new Map<number, Float64Array>();
        for (const layer of hparams.layers) {
          const c = cov.get(layer)!;
          const F = Math.round(Math.sqrt(c.length));
          const p = nullSpaceProjector({ data: c, shape: [F, F] }, hparams.nullspace_threshold).data;
          let trace = 0;
          for (let i = 0; i < F; i++) trace += p[i * F + i];
          assert.equal(Math.round(trace), ref.P_rank[layer], `rank of P at layer ${layer}`);
          projectors.set(layer, p);
        }
        const cache = new Map(hparams.layers.map((l) => [l, new Float64Array(cov.get(l)!.length)]));
        const context = {
          ...testContext(model, hparams, cov),
          projector: (layer: number) => projectors.get(layer)!,
          cachedKeyGram: (layer: number) => cache.get(layer)!,
        };
        const agree = new Agreement();
        const snapshot = new WeightSnapshot(model);
        try {
          batches.forEach((requests, b) => {
            const result = METHODS.alphaedit(context, requests);
            const batch = ref.batches[b];
            for (const zLog of result.z) {
              const z = blue ? (batch.z as Record<string, number[][]>)[zLog.layer] : (batch.z as number[][]);
              z.forEach((zi, r) =>
                agree.check(`z of batch ${b + 1} request ${r} at ${zLog.layer}`, zLog.z[r], zi),
              );
              const steps = blue ? (batch.z_steps as Record<string, number[]>)[zLog.layer] : batch.z_steps;
              assert.deepEqual(zLog.steps, steps, `steps of batch ${b + 1} at layer ${zLog.layer}`);
            }
            for (const u of result.updates)
              agree.check(`ΔW of batch ${b + 1} layer ${u.layer}`, u.delta, batch.deltas[u.layer]);
            for (const [layer, gram] of result.keyGramUpdates!) {
              agree.check(`cache_c of batch ${b + 1} layer ${layer}`, gram, gramOf(batch.cache_keys[layer]));
              const acc = cache.get(layer)!;
              for (let i = 0; i < acc.length; i++) acc[i] += gram[i];
            }
            applyDeltas(model, result.updates, snapshot);
          });
        } finally {
          snapshot.restore();
        }
        t.diagnostic(agree.report());
      });
    }
  });
}
