// The edit surface of one layer (ARCHITECTURE.md §2): the MLP output projection W_out (whose input
// is the key k of ROME/MEMIT) and the attention output projection (PMET), by canonical parameter
// name, whatever the architecture calls them (its ArchitectureNames record, in <arch>/weights.ts).
// Editing code names layers, never module paths.
import type { CausalLM } from "./causal-lm.js";

export interface LinearNames {
  /** [out, in] weight */
  weight: string;
  /** bias (out), or null when the layer has none */
  bias: string | null;
}

export interface EditSurface {
  layer: number;
  /** GPT-2 mlp.c_proj, GPT-J mlp.fc_out, Llama/Mistral/Qwen mlp.down_proj, GPT-NeoX mlp.dense_4h_to_h: [d_model, d_ff] */
  mlpOut: LinearNames;
  /** GPT-2 attn.c_proj, GPT-J attn.out_proj, Llama self_attn.o_proj, GPT-NeoX attention.dense: [d_model, d_model] */
  attnOut: LinearNames;
  /** d_ff, the key's width */
  keyDim: number;
  /** d_model */
  hiddenDim: number;
}

/** The edit surface of `layer`; throws naming the layer when it is outside the model. */
export function editSurface(model: CausalLM, layer: number): EditSurface {
  const L = model.numLayers;
  if (!Number.isInteger(layer) || layer < 0 || layer >= L)
    throw new Error(`layer ${layer} is not a layer of this ${model.config.arch} model (0 … ${L - 1})`);
  const { names } = model.arch;
  const linear = (module: string): LinearNames => {
    const prefix = names.layerPrefix(layer) + module;
    return {
      weight: `${prefix}.weight`,
      bias: model.params.has(`${prefix}.bias`) ? `${prefix}.bias` : null,
    };
  };
  const mlpOut = linear(names.editSurface.mlpOut);
  const hiddenDim = model.config.hiddenSize;
  const keyDim = model.weight(mlpOut.weight).length / hiddenDim;
  return { layer, mlpOut, attnOut: linear(names.editSurface.attnOut), keyDim, hiddenDim };
}
