// ROME (Meng et al., "Locating and Editing Factual Associations in GPT", arXiv 2202.05262, Eq. 2;
// kmeng01/rome rome_main.py, compute_u.py, compute_v.py): one layer, one request at a time, each
// on the model carrying the previous ones. u = C0⁻¹ k̄ / ‖C0⁻¹ k̄‖ (k̄ the key averaged over the
// context templates; C0⁻¹ by a solve), v* = h_mlp + δ from compute_z with δ at the MLP output,
// and the rank-one ΔW = (v* − W k) uᵀ / (k · u) with k, W k the plain prompt's key and MLP output.
import { solveSpd } from "../../../linalg/index.js";
import { editSurface } from "../../../models/edit-surface.js";
import { withDeltasApplied } from "../../apply-deltas.js";
import { keysAndHidden } from "../../compute-ks.js";
import { computeZ } from "../../compute-z/compute-z.js";
import { zLogOf } from "../records.js";
import type { WeightUpdate } from "../../apply-deltas.js";
import type { ComputeDeltas, ZLog } from "../types.js";

/** u = C0⁻¹k̄ / ‖C0⁻¹k̄‖ (or k̄/‖k̄‖ without mom2_adjustment). */
export function romeLeftVector(meanKey: Float32Array, covariance: Float64Array | null): Float64Array {
  const F = meanKey.length;
  const u = covariance
    ? solveSpd({ data: covariance, shape: [F, F] }, { data: Float64Array.from(meanKey), shape: [F] }).data
    : Float64Array.from(meanKey);
  let norm = 0;
  for (let f = 0; f < F; f++) norm += u[f] * u[f];
  norm = Math.sqrt(norm);
  if (!(norm > 0)) throw new Error("ROME: the subject's key is zero, so no rank-one update can reach it");
  for (let f = 0; f < F; f++) u[f] /= norm;
  return u;
}

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
      let ku = 0;
      for (let f = 0; f < F; f++) ku += plainKeys[f] * u[f];
      const vStar = zr.z.get("mlp")![0];
      const delta = new Float32Array(C * F);
      for (let c = 0; c < C; c++) {
        const right = (vStar[c] - hidden[c]) / ku;
        for (let f = 0; f < F; f++) delta[c * F + f] = right * u[f];
      }
      timings.solve += (performance.now() - t) / 1000;
      apply([{ layer, weight: surface.mlpOut.weight, rows: C, cols: F, delta }]);
      for (let i = 0; i < delta.length; i++) total[i] += delta[i];
    });
  });
  const update: WeightUpdate = { layer, weight: surface.mlpOut.weight, rows: C, cols: F, delta: total };
  return { method: "rome", blue: false, updates: [update], z: zLogs, timings };
};
