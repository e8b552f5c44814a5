// What MEMIT, PMET and AlphaEdit share, and what tells them apart: where compute_z adds δ, which
// module's output forms the residual Z − H, how the residual is spread over the critical layers,
// and the layer solve. The two strategies over a family member are in ./distributed.ts (the
// methods as published) and ./blue/boundary-update.ts (BLUE).
import { editSurface } from "../../models/edit-surface.js";
import type { DeltaSite } from "../../models/types.js";
import type { KeyReader, ResidualSite } from "../compute-ks.js";
import type { EditMethod } from "../hparams/types.js";
import type { PreparedRequest } from "../prepare/prepared-request.js";
import type { WeightUpdate } from "../apply-deltas.js";
import type { MethodContext, MethodTimings } from "./types.js";

export interface LayerFamily {
  method: EditMethod;
  /** where δ is optimised: ["block"] (MEMIT, AlphaEdit) or ["attn", "mlp"] (PMET) */
  zSites: readonly DeltaSite[];
  /** whose output H is, and which z the residual uses */
  residualSite: ResidualSite;
  /** residual share of the i-th of the critical layers when `remaining` = count − i are left: MEMIT 1/remaining, PMET 1/√remaining */
  share(remaining: number): number;
  /** ΔW (d_model × d_ff) of `layer` for keys (n × d_ff) and residuals (n × d_model, float64) */
  solve(
    context: MethodContext,
    layer: number,
    keys: Float32Array,
    resid: Float64Array,
    n: number,
  ): Float32Array;
  /** AlphaEdit keeps Σ K Kᵀ across batches */
  keepsKeyGram: boolean;
  /** PMET's compute_zs rule: NLL × 0.1 once the target is top-1, stop if KL ≤ 0.01 (compute-z.ts) */
  maxProbabilityRule?: boolean;
}

/** z minus h, per request, in float64, times `scale`. */
export function residuals(z: readonly Float32Array[], hidden: Float32Array, scale: number): Float64Array {
  const C = z[0].length;
  const out = new Float64Array(z.length * C);
  z.forEach((zi, i) => {
    for (let c = 0; c < C; c++) out[i * C + c] = (zi[c] - hidden[i * C + c]) * scale;
  });
  return out;
}

/**
 * ΔW of one critical layer on the model as it is now: keys at `layer`, H at `hiddenLayer` (read by
 * `reader`, which the strategy holds across its layers, bottom up), the residual (Z − H)·share,
 * the family's solve. Both strategies call this once per updated layer.
 */
export function layerUpdate(
  family: LayerFamily,
  context: MethodContext,
  requests: readonly PreparedRequest[],
  reader: KeyReader,
  step: { layer: number; hiddenLayer: number; z: readonly Float32Array[]; share: number },
  timings: MethodTimings,
): WeightUpdate {
  const { model } = context;
  const { layer } = step;
  let t = performance.now();
  const { keys, hidden } = reader.read(layer, step.hiddenLayer, family.residualSite);
  timings.keys += (performance.now() - t) / 1000;
  t = performance.now();
  const resid = residuals(step.z, hidden, step.share);
  const surface = editSurface(model, layer);
  const delta = family.solve(context, layer, keys, resid, requests.length);
  timings.solve += (performance.now() - t) / 1000;
  return { layer, weight: surface.mlpOut.weight, rows: surface.hiddenDim, cols: surface.keyDim, delta };
}
