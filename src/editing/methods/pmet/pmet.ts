// PMET (Li et al., "PMET: Precise Model Editing in a Transformer", arXiv 2308.08742): δ for the
// attention output and the MLP output of the last critical layer optimised jointly (Eq. 6), only
// the MLP weights updated, from the residual at the MLP output, Z_mlp − H_mlp^L, divided by
// √(count − i) (xpq-tech/PMET pmet_main.py), with MEMIT's solve (λ C0 + K Kᵀ). Its compute_zs
// weights the NLL by 0.1 once the target is top-1 and stops when the KL term is then ≤ 0.01.
import { covarianceWeightedSolve } from "../memit/solve.js";
import { boundaryUpdate } from "../blue/boundary-update.js";
import { distributedUpdate } from "../distributed.js";
import type { LayerFamily } from "../layer-family.js";
import type { ComputeDeltas } from "../types.js";

export const PMET_FAMILY: LayerFamily = {
  method: "pmet",
  zSites: ["attn", "mlp"],
  residualSite: "mlp",
  share: (remaining) => 1 / Math.sqrt(remaining),
  solve: covarianceWeightedSolve,
  keepsKeyGram: false,
  maxProbabilityRule: true,
};

export const pmetDeltas: ComputeDeltas = (context, requests) =>
  context.hparams.blue
    ? boundaryUpdate(PMET_FAMILY, context, requests)
    : distributedUpdate(PMET_FAMILY, context, requests);
