// BLUE, Boundary Layer UpdatE (Li et al., "Rethinking the Residual Distribution of Locate-then-Edit
// Methods in Model Editing", arXiv 2502.03748, Alg. 1): only the first and last critical layers
// are updated. For each of them in order: z is computed AT that layer (compute_z with z_layer = l),
// keys and H at that layer, and ΔW^l from the undivided residual R^l = Z^l − H^l; the last layer's z
// is computed on the model that already carries the first layer's update. Applies to MEMIT, PMET
// and AlphaEdit through their LayerFamily (solve, sites, residual module). Exact sharing: the
// residual stream entering the first layer is the same for both z computations and both key reads
// (only layers at or above it change), so each is computed once.
import { withDeltasApplied } from "../../apply-deltas.js";
import { KeyReader } from "../../compute-ks.js";
import { computeZ } from "../../compute-z/compute-z.js";
import type { LowerResidual } from "../../compute-z/lower.js";
import type { PreparedRequest } from "../../prepare/prepared-request.js";
import { layerUpdate, type LayerFamily } from "../layer-family.js";
import { keyGramsAfterEdit, zLogOf } from "../records.js";
import type { WeightUpdate } from "../../apply-deltas.js";
import type { DeltaResult, MethodContext, ZLog } from "../types.js";

/** The boundary layers of a critical-layer list: its first and last. */
export function boundaryLayers(layers: readonly number[]): [number, number] {
  if (layers.length < 2)
    throw new Error(
      `BLUE needs at least two critical layers (first and last), got ${JSON.stringify(layers)}`,
    );
  return [layers[0], layers[layers.length - 1]];
}

export function boundaryUpdate(
  family: LayerFamily,
  context: MethodContext,
  requests: readonly PreparedRequest[],
): DeltaResult {
  const { model, hparams } = context;
  const boundary = boundaryLayers(hparams.layers);
  const timings = { z: 0, keys: 0, solve: 0 };
  const updates: WeightUpdate[] = [];
  const zLogs: ZLog[] = [];
  const reader = new KeyReader(model, requests);
  const grams = withDeltasApplied(model, (apply) => {
    let lower: LowerResidual | null = null;
    for (const [i, layer] of boundary.entries()) {
      const t = performance.now();
      const zr = computeZ(model, requests, {
        layer,
        sites: family.zSites,
        hparams,
        maxProbabilityRule: family.maxProbabilityRule,
        onStep: (p) => context.onProgress?.({ stage: "z", layer, step: p.step, total: p.total }),
        lower,
        keepLowerAt: boundary[0],
      });
      lower = zr.lower;
      timings.z += (performance.now() - t) / 1000;
      zLogs.push(zLogOf(layer, zr, family.residualSite));
      const z = zr.z.get(family.residualSite)!;
      context.onProgress?.({ stage: "layer", layer, step: i + 1, total: boundary.length });
      const update = layerUpdate(
        family,
        context,
        requests,
        reader,
        { layer, hiddenLayer: layer, z, share: 1 },
        timings,
      );
      apply([update]);
      updates.push(update);
    }
    return family.keepsKeyGram ? keyGramsAfterEdit(model, requests, boundary, timings) : undefined;
  });
  return {
    method: family.method,
    blue: true,
    updates,
    z: zLogs,
    timings,
    ...(grams ? { keyGramUpdates: grams } : {}),
  };
}
