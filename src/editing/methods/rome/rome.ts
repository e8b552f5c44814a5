// ROME (Meng et al., "Locating and Editing Factual Associations in GPT", arXiv 2202.05262, Eq. 2;
// kmeng01/rome rome_main.py, compute_u.py, compute_v.py): one layer, one request at a time, each
// on the model carrying the previous ones: v* = h_mlp + δ from compute_z with δ at the MLP
// output, then the rank-one update of ./solve.ts, ΔW = (v* − W k) uᵀ / (k · u), u ∝ C0⁻¹ k̄.
import { editSurface } from "../../../models/edit-surface.js";
import { withDeltasApplied } from "../../apply-deltas.js";
import { keysAndHidden } from "../../compute-ks.js";
import { computeZ } from "../../compute-z/compute-z.js";
import { zLogOf } from "../records.js";
import { romeLeftVector, romeRankOneDelta } from "./solve.js";
import type { WeightUpdate } from "../../apply-deltas.js";
import type { ComputeDeltas, ZLog } from "../types.js";

export { romeLeftVector } from "./solve.js";

export const romeDeltas: ComputeDeltas = (context, requests) => {
  const { model, hparams } = context;
  if (hparams.layers.length !== 1)
    throw new Error(`ROME edits one layer; hparams list ${JSON.stringify(hparams.layers)}`);
  const layer = hparams.layers[0];
  const surface = editSurface(model, layer);
  const C = surface.hiddenDim;
  const F = surface.keyDim;
  const timings = { z: 0, keys: 0, solve: 0 };
  const total = new Float32Array(C * F);
  const zLogs: ZLog[] = [];
  withDeltasApplied(model, (apply) => {
    requests.forEach((request, index) => {
      let t = performance.now();
      const zr = computeZ(model, [request], {
        layer,
        sites: ["mlp"],
        hparams,
        onStep: (p) =>
          context.onProgress?.({
            stage: "z",
            layer,
            step: p.step,
            total: p.total,
            detail: `request ${index + 1}`,
          }),
      });
      timings.z += (performance.now() - t) / 1000;
      zLogs.push(zLogOf(layer, zr, "mlp"));
      t = performance.now();
      const { keys, plainKeys, hidden } = keysAndHidden(model, [request], layer, layer, "mlp");
      timings.keys += (performance.now() - t) / 1000;
      t = performance.now();
      const u = romeLeftVector(keys, hparams.mom2_adjustment ? context.covariance(layer) : null);
      const delta = romeRankOneDelta(u, plainKeys, hidden, zr.z.get("mlp")![0]);
      timings.solve += (performance.now() - t) / 1000;
      apply([{ layer, weight: surface.mlpOut.weight, rows: C, cols: F, delta }]);
      for (let i = 0; i < delta.length; i++) total[i] += delta[i];
    });
  });
  const update: WeightUpdate = { layer, weight: surface.mlpOut.weight, rows: C, cols: F, delta: total };
  return { method: "rome", blue: false, updates: [update], z: zLogs, timings };
};
