// AlphaEdit (Fang et al., arXiv 2410.02355): MEMIT's z and residual distribution, with the update
// projected onto the null space of the preserved keys (./solve.ts) and the keys of every earlier
// batch kept in cache_c (the Editor adds this batch's K Kᵀ after applying it).
import { boundaryUpdate } from "../blue/boundary-update.js";
import { distributedUpdate } from "../distributed.js";
import type { LayerFamily } from "../layer-family.js";
import type { ComputeDeltas } from "../types.js";
import { alphaEditLayerDelta } from "./solve.js";

export const ALPHAEDIT_FAMILY: LayerFamily = {
  method: "alphaedit",
  zSites: ["block"],
  residualSite: "block",
  share: (remaining) => 1 / remaining,
  solve: (context, layer, keys, resid, n) => {
    if (!context.projector)
      throw new Error("AlphaEdit needs the null-space projector of each layer (context.projector)");
    return alphaEditLayerDelta(
      keys,
      resid,
      n,
      context.projector(layer),
      context.cachedKeyGram?.(layer) ?? null,
      context.hparams.L2,
    );
  },
  keepsKeyGram: true,
};

export const alphaEditDeltas: ComputeDeltas = (context, requests) =>
  context.hparams.blue
    ? boundaryUpdate(ALPHAEDIT_FAMILY, context, requests)
    : distributedUpdate(ALPHAEDIT_FAMILY, context, requests);
