// MEMIT-seq and PMET-seq (the sequential variants of xpq-tech/BLUE, memit/memit_seq_main.py and
// pmet/pmet_seq_main.py): each layer's solve adds the key Gram of every earlier batch to MEMIT's
// matrix (Meng et al., arXiv 2210.07229, Eq. 14 with the key history),
//   ΔW = R Kᵀ (λ C0 + Σ_p K_p K_pᵀ + K Kᵀ)⁻¹,
// so that a later batch keeps the keys of earlier edits in view, as AlphaEdit's cache_c does. The
// history grows by each batch's K Kᵀ read on the model after its edit (./key-history.ts); with
// BLUE it is kept at the two boundary layers, as the reference's layer-by-layer (lbl) functions.
import { add, scale, wrap } from "../../../tensor/index.js";
import { boundaryUpdate } from "../blue/boundary-update.js";
import { distributedUpdate } from "../distributed.js";
import type { LayerFamily } from "../layer-family.js";
import { memitLayerDelta } from "../memit/solve.js";
import type { ComputeDeltas, MethodContext } from "../types.js";

/** The seq solve of one layer: MEMIT's with λ C0 + Σ_p K_p K_pᵀ in place of λ C0. */
export function seqLayerDelta(
  context: MethodContext,
  layer: number,
  keys: Float32Array,
  resid: Float64Array,
  n: number,
): Float32Array {
  if (!context.cachedKeyGram)
    throw new Error("the seq variant needs the key history of each layer (context.cachedKeyGram)");
  const { hparams } = context;
  const F = keys.length / n;
  const lambda = hparams.mom2_adjustment ? hparams.mom2_update_weight : 0;
  const C0 = wrap(context.covariance(layer), [F, F]);
  const history = wrap(context.cachedKeyGram(layer), [F, F]);
  const base = add(scale(C0, lambda), history); // (F, F) = λ C0 + Σ_p K_p K_pᵀ
  return memitLayerDelta(keys, resid, n, base.data, 1); // R Kᵀ (base + K Kᵀ)⁻¹
}

/** A MEMIT or PMET family with the seq solve, keeping each batch's K Kᵀ for the history. */
export function seqFamily(base: LayerFamily): LayerFamily {
  if (base.method !== "memit" && base.method !== "pmet")
    throw new Error(`the seq variant applies to MEMIT and PMET, not ${base.method}`);
  return { ...base, solve: seqLayerDelta, keepsKeyGram: true };
}

/** MEMIT-seq / PMET-seq deltas, with BLUE's boundary update when the hyperparameters ask for it. */
export function seqDeltas(base: LayerFamily): ComputeDeltas {
  const family = seqFamily(base);
  return (context, requests) =>
    context.hparams.blue
      ? boundaryUpdate(family, context, requests)
      : distributedUpdate(family, context, requests);
}
