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
import { linearForward } from "../models/layers/linear.js";
import type { PreparedRequest } from "./prepare/prepared-request.js";
import { LookupPasses, readAtLookups } from "./prepare/representations.js";

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
  return new KeyReader(model, requests).read(keyLayer, hiddenLayer, site);
}

/**
 * Keys and H of a batch of requests at a rising sequence of layers of a model being edited from the
 * bottom up: read(l, …) then edits at layers ≥ l only, then read(l′ ≥ l, …). Each read starts from
 * the residual stream entering the previously read key layer (batched passes of the prompts, each cut
 * after its lookup token), so no layer below it runs twice; every prompt runs up to the key layer,
 * and only the plain prompts (where H is read) run on to a higher hidden layer.
 */
export class KeyReader {
  /** every rewrite prompt of every request, in order */
  private readonly all: LookupPasses;
  /** each request's plain prompt (rewrite[0]) */
  private readonly plain: LookupPasses;

  constructor(
    private readonly model: CausalLM,
    private readonly requests: readonly PreparedRequest[],
  ) {
    this.all = new LookupPasses(
      model,
      requests.flatMap((r) => r.rewrite),
    );
    this.plain = new LookupPasses(
      model,
      requests.map((r) => r.rewrite[0]),
    );
  }

  /** Keys at `keyLayer` and h at `hiddenLayer` (block or MLP output) on the model as it is now. */
  read(keyLayer: number, hiddenLayer: number, site: ResidualSite = "block"): KeysAndHidden {
    if (hiddenLayer <= keyLayer) {
      const reprs = this.all.read([keyLayer, hiddenLayer], keyLayer);
      const plain = plainRows(this.requests);
      const at = {
        keys: selectRows(reprs.keys.get(hiddenLayer)!, plain.all, plain.rows),
        outs: selectRows(reprs.outs.get(hiddenLayer)!, plain.all, plain.rows),
      };
      return gather(this.model, this.requests, reprs.keys.get(keyLayer)!, at, hiddenLayer, site);
    }
    const keys = this.all.read([keyLayer], keyLayer).keys.get(keyLayer)!;
    const plain = this.plain.read([hiddenLayer], keyLayer);
    const at = { keys: plain.keys.get(hiddenLayer)!, outs: plain.outs.get(hiddenLayer)! };
    return gather(this.model, this.requests, keys, at, hiddenLayer, site);
  }
}

/** The number of rewrite prompts and the index of each request's plain prompt among them. */
function plainRows(requests: readonly PreparedRequest[]): { all: number; rows: number[] } {
  const rows: number[] = [];
  let all = 0;
  for (const r of requests) {
    rows.push(all);
    all += r.rewrite.length;
  }
  return { all, rows };
}

/** Rows `rows` of a row-major matrix of `count` rows. */
function selectRows(matrix: Float32Array, count: number, rows: readonly number[]): Float32Array {
  const width = matrix.length / count;
  const out = new Float32Array(rows.length * width);
  rows.forEach((row, i) => out.set(matrix.subarray(row * width, (row + 1) * width), i * width));
  return out;
}

/**
 * Template-averaged keys and plain-prompt keys from `keyRows` (one row per rewrite prompt), and H
 * from `at` (the plain prompts' keys and block outputs at the hidden layer, one row per request).
 */
function gather(
  model: CausalLM,
  requests: readonly PreparedRequest[],
  keyRows: Float32Array,
  at: { keys: Float32Array; outs: Float32Array },
  hiddenLayer: number,
  site: ResidualSite,
): KeysAndHidden {
  const n = requests.length;
  const plain = plainRows(requests);
  const C = model.config.hiddenSize;
  const hidden = new Float32Array(n * C);
  const FH = at.keys.length / n;
  for (let i = 0; i < n; i++) {
    if (site === "block") hidden.set(at.outs.subarray(i * C, (i + 1) * C), i * C);
    else hidden.set(mlpOutputOf(model, hiddenLayer, at.keys.subarray(i * FH, (i + 1) * FH)), i * C);
  }
  return {
    keys: templateMeans(requests, keyRows),
    plainKeys: selectRows(keyRows, plain.all, plain.rows),
    hidden,
  };
}

/** Per request, the mean over its template groups of the group means of its prompts' keys (one row per rewrite prompt). */
function templateMeans(requests: readonly PreparedRequest[], keyRows: Float32Array): Float32Array {
  const plain = plainRows(requests);
  const F = keyRows.length / plain.all;
  const keys = new Float32Array(requests.length * F);
  requests.forEach((r, i) => groupMean(keyRows, F, plain.rows[i], r.groups, keys, i * F));
  return keys;
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
  const F = (l: number) => reprs.keys.get(l)!;
  return new Map(
    layers.map((l) => [
      l,
      gather(model, requests, F(l), { keys: F(l), outs: reprs.outs.get(l)! }, l, "block").keys,
    ]),
  );
}
