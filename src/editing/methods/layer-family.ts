// What MEMIT, PMET and AlphaEdit share, and what tells them apart: where compute_z adds δ, which
// module's output forms the residual Z − H, how the residual is spread over the critical layers,
// and the layer solve. The two strategies over a family member are in ./distributed.ts (the
// methods as published) and ./blue/boundary-update.ts (BLUE).
import type { DeltaSite } from "../../models/types.js";
import type { ResidualSite } from "../compute-ks.js";
import type { EditMethod } from "../hparams/types.js";
import type { MethodContext } from "./types.js";

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
