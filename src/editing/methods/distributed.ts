// The published locate-then-edit strategy (MEMIT, Meng et al., arXiv 2210.07229, Alg. 1; PMET and
// AlphaEdit follow it): one z per request at the LAST critical layer L; then for each critical layer
// l_i in order, keys at l_i, H at L on the model edited so far, and ΔW^l_i from the residual
// (Z − H^L) spread over the layers still to go (÷ (count − i) for MEMIT/AlphaEdit, ÷ √(count − i)
// for PMET). This residual distribution is what BLUE (./blue/boundary-update.ts) removes.
import { withDeltasApplied } from "../apply-deltas.js";
import { KeyReader } from "../compute-ks.js";
import { computeZ } from "../compute-z/compute-z.js";
import type { PreparedRequest } from "../prepare/prepared-request.js";
import { layerUpdate, type LayerFamily } from "./layer-family.js";
import { keyGramsAfterEdit, zLogOf } from "./records.js";
import type { WeightUpdate } from "../apply-deltas.js";
import type { DeltaResult, MethodContext } from "./types.js";

export function distributedUpdate(
  family: LayerFamily,
  context: MethodContext,
  requests: readonly PreparedRequest[],
): DeltaResult {
  const { model, hparams } = context;
  const layers = hparams.layers;
  const zLayer = layers[layers.length - 1];
  const timings = { z: 0, keys: 0, solve: 0 };
  const t = performance.now();
  const zr = computeZ(model, requests, {
    layer: zLayer,
    sites: family.zSites,
    hparams,
    maxProbabilityRule: family.maxProbabilityRule,
    onStep: (p) => context.onProgress?.({ stage: "z", layer: zLayer, step: p.step, total: p.total }),
  });
  timings.z += (performance.now() - t) / 1000;
  const z = zr.z.get(family.residualSite)!;
  const updates: WeightUpdate[] = [];
  const reader = new KeyReader(model, requests);
  const result = withDeltasApplied(model, (apply) => {
    layers.forEach((layer, i) => {
      context.onProgress?.({ stage: "layer", layer, step: i + 1, total: layers.length });
      const update = layerUpdate(
        family,
        context,
        requests,
        reader,
        { layer, hiddenLayer: zLayer, z, share: family.share(layers.length - i) },
        timings,
      );
      apply([update]);
      updates.push(update);
    });
    return family.keepsKeyGram ? keyGramsAfterEdit(model, requests, layers, timings) : undefined;
  });
  return {
    method: family.method,
    blue: false,
    updates,
    z: [zLogOf(zLayer, zr, family.residualSite)],
    timings,
    ...(result ? { keyGramUpdates: result } : {}),
  };
}
