// Small pieces the strategies share: the compute_z log entry and AlphaEdit's K Kᵀ of a batch on the
// edited model (jianghoucheng/AlphaEdit AlphaEdit_main.py: cache_c[i] += K Kᵀ after the batch).
import type { CausalLM } from "../../models/causal-lm.js";
import type { DeltaSite } from "../../models/types.js";
import { gram, toFloat64, wrap } from "../../tensor/index.js";
import { computeKeysAt } from "../compute-ks.js";
import type { ZResult } from "../compute-z/compute-z.js";
import type { PreparedRequest } from "../prepare/prepared-request.js";
import type { MethodTimings, ZLog } from "./types.js";

export function zLogOf(layer: number, z: ZResult, site: DeltaSite): ZLog {
  return {
    z: z.z.get(site)!,
    hInit: z.init.get(site)!,
    layer,
    lossBefore: z.lossBefore,
    lossAfter: z.lossAfter,
    nllBefore: z.nllBefore,
    nllAfter: z.nllAfter,
    steps: z.steps,
  };
}

/** K Kᵀ (d_ff², float64, full) of rows `keys` (n × d_ff, i.e. Kᵀ). */
export function keyGram(keys: Float32Array, n: number): Float64Array {
  const Kt = toFloat64(wrap(keys, [n, keys.length / n])); // (n, F)
  return gram(Kt, { trans: true }).data; // (F, F) = K Kᵀ
}

/** layer → K Kᵀ of the requests' keys, read on the model as it is now (after the batch's edits), in one pass. */
export function keyGramsAfterEdit(
  model: CausalLM,
  requests: readonly PreparedRequest[],
  layers: readonly number[],
  timings: MethodTimings,
): Map<number, Float64Array> {
  const t = performance.now();
  const out = new Map<number, Float64Array>();
  for (const [layer, keys] of computeKeysAt(model, requests, layers))
    out.set(layer, keyGram(keys, requests.length));
  timings.keys += (performance.now() - t) / 1000;
  return out;
}
