// compute_ks (Meng et al., "Mass-Editing Memory in a Transformer", arXiv 2210.07229, §4.3 and
// kmeng01/memit compute_ks.py): the key k_i of request i at layer l is the input of W_out^l at the
// subject's last token, averaged over the prompts of each context-template group, then over the
// groups. The same forward also gives the residual's other half, h at the plain prompt: the block
// output (MEMIT, AlphaEdit: get_module_input_output_at_words on layer_module_tmp) or the MLP output
// W_out·k + b (PMET, ROME: the rewrite module's output). KeyReader serves strategies that edit the
// critical layers from the bottom up (MEMIT's order, BLUE's): each read starts from the residual
// stream entering the layer read before, which no later edit changes.
import type { CausalLM } from "../models/causal-lm.js";
import { editSurface } from "../models/edit-surface.js";
import type { PreparedRequest } from "./prepare/prepared-request.js";
import { LookupPasses, readAtLookups, type LookupReprs } from "./prepare/representations.js";

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
  const W = model.param(surface.mlpOut.weight);
  const bias = surface.mlpOut.bias ? model.param(surface.mlpOut.bias) : null;
  const C = surface.hiddenDim;
  const F = surface.keyDim;
  const out = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    let s = bias ? bias[c] : 0;
    for (let f = 0; f < F; f++) s += W[c * F + f] * key[f];
    out[c] = s;
  }
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
  return new KeyReader(model, requests).read(keyLayer, hiddenLayer, site);
}

/**
 * Keys and H of a batch of requests at a rising sequence of layers of a model being edited from the
 * bottom up: read(l, …) then edits at layers ≥ l only, then read(l′ ≥ l, …). Each read starts from
 * the residual stream entering the previously read key layer (one batched pass of every prompt, cut
 * after its lookup token), so no layer below it runs twice.
 */
export class KeyReader {
  private readonly passes: LookupPasses;

  constructor(
    private readonly model: CausalLM,
    private readonly requests: readonly PreparedRequest[],
  ) {
    this.passes = new LookupPasses(
      model,
      requests.flatMap((r) => r.rewrite),
    );
  }

  /** Keys at `keyLayer` and h at `hiddenLayer` (block or MLP output) on the model as it is now. */
  read(keyLayer: number, hiddenLayer: number, site: ResidualSite = "block"): KeysAndHidden {
    return gather(
      this.model,
      this.requests,
      this.passes.read([keyLayer, hiddenLayer], keyLayer),
      keyLayer,
      hiddenLayer,
      site,
    );
  }
}

function gather(
  model: CausalLM,
  requests: readonly PreparedRequest[],
  reprs: LookupReprs,
  keyLayer: number,
  hiddenLayer: number,
  site: ResidualSite,
): KeysAndHidden {
  const prompts = requests.reduce((a, r) => a + r.rewrite.length, 0);
  const rows = reprs.keys.get(keyLayer)!;
  const F = rows.length / prompts;
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
      const FH = hk.length / prompts;
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
  return computeKeysAt(model, requests, [layer]).get(layer)!;
}

/** layer → keys K (n, d_ff) at each of `layers`, from one batched pass of the model as it is now. */
export function computeKeysAt(
  model: CausalLM,
  requests: readonly PreparedRequest[],
  layers: readonly number[],
): Map<number, Float32Array> {
  const reprs = readAtLookups(
    model,
    requests.flatMap((r) => r.rewrite),
    layers,
  );
  return new Map(layers.map((l) => [l, gather(model, requests, reprs, l, l, "block").keys]));
}
