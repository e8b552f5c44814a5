// δ^l for every critical layer (BLUE, Li et al., arXiv 2502.03748, §3.1 "computed" vs
// "distributed" residuals): compute_z with z at layer l, for every request in one batched run per
// layer, on the model as it is. δ^L (z at the last layer) is what MEMIT, PMET and AlphaEdit compute
// and distribute; δ^l is what layer l itself would need. For PMET, δ and z are those of the MLP
// output, the residual PMET's layer updates are solved for.
import { computeZ, type ZResult } from "../editing/compute-z/compute-z.js";
import type { PreparedRequest } from "../editing/prepare/prepared-request.js";
import type { DiagnosticsContext } from "./context.js";

export interface LayerZ {
  layer: number;
  /** per request, at the family's residual site */
  z: Float32Array[];
  delta: Float32Array[];
  result: ZResult;
}

/** compute_z at each of `layers` for `requests` on the model as it is now. */
export function zAtLayers(
  d: DiagnosticsContext,
  requests: readonly PreparedRequest[],
  layers: readonly number[],
): Map<number, LayerZ> {
  const out = new Map<number, LayerZ>();
  layers.forEach((layer, i) => {
    const result = computeZ(d.model, requests, {
      layer,
      sites: d.family.zSites,
      hparams: d.hparams,
      onStep: (p) =>
        d.onProgress?.({
          stage: `compute_z at layer ${layer} (${i + 1}/${layers.length})`,
          layer,
          done: p.step,
          total: p.total,
        }),
    });
    const site = d.family.residualSite;
    out.set(layer, { layer, z: result.z.get(site)!, delta: result.delta.get(site)!, result });
  });
  return out;
}

/** The factor on δ^L (and R^L) at the i-th critical layer: the family's share of count − i. */
export function shares(d: DiagnosticsContext): number[] {
  return d.layers.map((_, i) => d.family.share(d.layers.length - i));
}

/** The subset `indices` of a LayerZ (compute_z treats each request on its own). */
export function subsetZ(z: LayerZ, indices: readonly number[]): Pick<LayerZ, "layer" | "z" | "delta"> {
  return { layer: z.layer, z: indices.map((i) => z.z[i]), delta: indices.map((i) => z.delta[i]) };
}
