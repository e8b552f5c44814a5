// The edit surface of one layer (ARCHITECTURE.md §2): the MLP output projection W_out (whose input
// is the key k of ROME/MEMIT) and the attention output projection (PMET), by canonical parameter
// name, whatever the architecture calls them. Editing code names layers, never module paths.
import type { CausalLM } from "./causal-lm.js";

export interface LinearNames {
  /** [out, in] weight */
  weight: string;
  /** bias (out), or null when the layer has none */
  bias: string | null;
}

export interface EditSurface {
  layer: number;
  /** GPT-2 mlp.c_proj, GPT-J mlp.fc_out, Llama mlp.down_proj: [d_model, d_ff] */
  mlpOut: LinearNames;
  /** GPT-2 attn.c_proj, GPT-J attn.out_proj, Llama self_attn.o_proj: [d_model, d_model] */
  attnOut: LinearNames;
  /** d_ff, the key's width */
  keyDim: number;
  /** d_model */
  hiddenDim: number;
}

function prefixes(model: CausalLM, layer: number): { mlp: string; attn: string } {
  switch (model.config.arch) {
    case "gpt2":
      return { mlp: `h.${layer}.mlp.c_proj`, attn: `h.${layer}.attn.c_proj` };
    case "gptj":
      return { mlp: `transformer.h.${layer}.mlp.fc_out`, attn: `transformer.h.${layer}.attn.out_proj` };
    case "llama":
      return { mlp: `model.layers.${layer}.mlp.down_proj`, attn: `model.layers.${layer}.self_attn.o_proj` };
  }
}

/** The edit surface of `layer`; throws naming the layer when it is outside the model. */
export function editSurface(model: CausalLM, layer: number): EditSurface {
  const L = model.numLayers;
  if (!Number.isInteger(layer) || layer < 0 || layer >= L)
    throw new Error(`layer ${layer} is not a layer of this ${model.config.arch} model (0 … ${L - 1})`);
  const p = prefixes(model, layer);
  const linear = (prefix: string): LinearNames => ({
    weight: `${prefix}.weight`,
    bias: model.params.has(`${prefix}.bias`) ? `${prefix}.bias` : null,
  });
  const mlpOut = linear(p.mlp);
  const hiddenDim = model.config.hiddenSize;
  const keyDim = model.param(mlpOut.weight).length / hiddenDim;
  return { layer, mlpOut, attnOut: linear(p.attn), keyDim, hiddenDim };
}
