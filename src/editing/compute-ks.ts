// compute_ks (Meng et al., "Mass-Editing Memory in a Transformer", arXiv 2210.07229, §4.3 and
// kmeng01/memit compute_ks.py): the key k_i of request i at layer l is the input of W_out^l at the
// subject's last token, averaged over the prompts of each context-template group, then over the
// groups. The same forward also gives the residual's other half, h at the plain prompt: the block
// output (MEMIT, AlphaEdit: get_module_input_output_at_words on layer_module_tmp) or the MLP output
// W_out·k + b (PMET, ROME: the rewrite module's output).
import type { CausalLM } from "../models/causal-lm.js";
import { editSurface } from "../models/edit-surface.js";
import { linearForward } from "../models/layers/linear.js";
import type { PreparedRequest } from "./prepare/prepared-request.js";
import { readAtLookups } from "./prepare/representations.js";

export type ResidualSite = "block" | "mlp";

/** Mean of group means of one request's rows (each `width` wide) of `rows`, starting at row `first`. */
function groupMean(
  rows: Float32Array,
  width: number,
  first: number,
  groups: readonly number[],
  out: Float32Array,
  at: number,
): void {
  const acc = new Float64Array(width);
  let row = first;
  for (const size of groups) {
    for (let g = 0; g < size; g++, row++)
      for (let j = 0; j < width; j++) acc[j] += rows[row * width + j] / size;
  }
  for (let j = 0; j < width; j++) out[at + j] = acc[j] / groups.length;
}

/** MLP output W_out·k + b of layer `layer` for one key (d_ff) of the model as it is now. */
export function mlpOutputOf(model: CausalLM, layer: number, key: Float32Array): Float32Array {
  const surface = editSurface(model, layer);
  const W = model.weight(surface.mlpOut.weight);
  const bias = surface.mlpOut.bias ? model.weight(surface.mlpOut.bias) : null;
  const out = new Float32Array(surface.hiddenDim);
  linearForward(out, key, W, bias, 1, surface.keyDim, surface.hiddenDim);
  return out;
}

export interface KeysAndHidden {
  /** (n, d_ff) template-averaged keys at the key layer */
  keys: Float32Array;
  /** (n, d_ff) keys at the plain prompt (no averaging) */
  plainKeys: Float32Array;
  /** (n, d_model) h at the plain prompt at the hidden layer */
  hidden: Float32Array;
}

/** Keys at `keyLayer` and h at `hiddenLayer` (block or MLP output), from one forward of the model as it is now. */
export function keysAndHidden(
  model: CausalLM,
  requests: readonly PreparedRequest[],
  keyLayer: number,
  hiddenLayer: number,
  site: ResidualSite = "block",
): KeysAndHidden {
  const prompts = requests.flatMap((r) => r.rewrite);
  const reprs = readAtLookups(model, prompts, [keyLayer, hiddenLayer]);
  const rows = reprs.keys.get(keyLayer)!;
  const F = rows.length / prompts.length;
  const C = model.config.hiddenSize;
  const keys = new Float32Array(requests.length * F);
  const plainKeys = new Float32Array(requests.length * F);
  const hidden = new Float32Array(requests.length * C);
  let first = 0;
  requests.forEach((r, i) => {
    groupMean(rows, F, first, r.groups, keys, i * F);
    plainKeys.set(rows.subarray(first * F, first * F + F), i * F);
    if (site === "block") hidden.set(reprs.outs.get(hiddenLayer)!.subarray(first * C, first * C + C), i * C);
    else {
      const hk = reprs.keys.get(hiddenLayer)!;
      const FH = hk.length / prompts.length;
      hidden.set(mlpOutputOf(model, hiddenLayer, hk.subarray(first * FH, first * FH + FH)), i * C);
    }
    first += r.rewrite.length;
  });
  return { keys, plainKeys, hidden };
}

/** Keys K (n, d_ff), one row per request, at `layer` of the model as it is now. */
export function computeKeys(
  model: CausalLM,
  requests: readonly PreparedRequest[],
  layer: number,
): Float32Array {
  return keysAndHidden(model, requests, layer, layer).keys;
}
