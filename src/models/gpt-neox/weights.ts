// GPT-NeoX / Pythia parameter layout (HF GPTNeoXForCausalLM). Linear weights are [out, in]; the
// fused `attention.query_key_value` stores its rows per head ([q_0; k_0; v_0; q_1; …]) and is
// regrouped to [q; k; v] on load (param-spec.ts), so attention runs it as one fused GEMM.
import type { GptNeoxConfig } from "../config.js";
import type { ArchitectureNames, ParamSpec } from "../param-spec.js";

export const GPT_NEOX_NAMES: ArchitectureNames = {
  layerPrefix: (layer) => `gpt_neox.layers.${layer}.`,
  embedding: { tokens: "gpt_neox.embed_in.weight", positions: null },
  finalNorm: { weight: "gpt_neox.final_layer_norm.weight", bias: "gpt_neox.final_layer_norm.bias" },
  lmHead: { weight: "embed_out.weight", bias: null },
  editSurface: { mlpOut: "mlp.dense_4h_to_h", attnOut: "attention.dense" },
};

export function gptNeoxParamSpecs(config: GptNeoxConfig): ParamSpec[] {
  const C = config.hiddenSize;
  const F = config.intermediateSize;
  const V = config.vocabSize;
  const perHead = { heads: config.numHeads };
  const { embedding, finalNorm, lmHead, editSurface } = GPT_NEOX_NAMES;
  const specs: ParamSpec[] = [{ name: embedding.tokens, shape: [V, C] }];
  for (let i = 0; i < config.numLayers; i++) {
    const p = GPT_NEOX_NAMES.layerPrefix(i);
    const norm = (name: string) => specs.push({ name: `${p}${name}.weight`, shape: [C] }, { name: `${p}${name}.bias`, shape: [C] });
    norm("input_layernorm");
    norm("post_attention_layernorm");
    specs.push({ name: p + "attention.query_key_value.weight", shape: [3 * C, C], qkvPerHead: perHead });
    if (config.attentionBias)
      specs.push({ name: p + "attention.query_key_value.bias", shape: [3 * C], qkvPerHead: perHead });
    specs.push({ name: `${p}${editSurface.attnOut}.weight`, shape: [C, C] });
    if (config.attentionBias) specs.push({ name: `${p}${editSurface.attnOut}.bias`, shape: [C] });
    specs.push(
      { name: p + "mlp.dense_h_to_4h.weight", shape: [F, C] },
      { name: p + "mlp.dense_h_to_4h.bias", shape: [F] },
      { name: `${p}${editSurface.mlpOut}.weight`, shape: [C, F] },
      { name: `${p}${editSurface.mlpOut}.bias`, shape: [C] },
    );
  }
  specs.push({ name: finalNorm.weight, shape: [C] }, { name: finalNorm.bias as string, shape: [C] });
  specs.push({
    name: lmHead.weight,
    shape: [V, C],
    ...(config.tieWordEmbeddings ? { tiedTo: embedding.tokens } : {}),
  });
  return specs;
}

export function gptNeoxCanonicalName(fileName: string): string | null {
  // buffers of older checkpoints: the causal mask, its fill value and the rotary frequencies
  if (/\.attention\.(bias|masked_bias|rotary_emb\.inv_freq)$/.test(fileName)) return null;
  return fileName;
}
