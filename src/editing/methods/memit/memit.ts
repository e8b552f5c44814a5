// MEMIT (Meng et al., "Mass-Editing Memory in a Transformer", arXiv 2210.07229): δ at the block
// output of the last critical layer, residual Z − H^L spread as R/(count − i) over the critical
// layers, each solved as ΔW = R Kᵀ (λ C0 + K Kᵀ)⁻¹ (Eq. 14, ./solve.ts), λ = mom2_update_weight.
import { boundaryUpdate } from "../blue/boundary-update.js";
import { distributedUpdate } from "../distributed.js";
import type { LayerFamily } from "../layer-family.js";
import type { ComputeDeltas } from "../types.js";
import { covarianceWeightedSolve } from "./solve.js";

export const MEMIT_FAMILY: LayerFamily = {
  method: "memit",
  zSites: ["block"],
  residualSite: "block",
  share: (remaining) => 1 / remaining,
  solve: covarianceWeightedSolve,
  keepsKeyGram: false,
};

export const memitDeltas: ComputeDeltas = (context, requests) =>
  context.hparams.blue
    ? boundaryUpdate(MEMIT_FAMILY, context, requests)
    : distributedUpdate(MEMIT_FAMILY, context, requests);
