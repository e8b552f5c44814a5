// Llama parameter layout (HF LlamaForCausalLM, and Mistral/Qwen2/Qwen3, which use the same
// names); all linear weights are already [out, in]. Qwen2 adds q/k/v biases, Qwen3 the per-head
// norms self_attn.{q,k}_norm.weight (head_dim).
import type { LlamaConfig } from "../config.js";
import type { ArchitectureNames, ParamSpec } from "../param-spec.js";

export const LLAMA_NAMES: ArchitectureNames = {
  layerPrefix: (layer) => `model.layers.${layer}.`,
  embedding: { tokens: "model.embed_tokens.weight", positions: null },
  finalNorm: { weight: "model.norm.weight", bias: null },
  lmHead: { weight: "lm_head.weight", bias: null },
  editSurface: { mlpOut: "mlp.down_proj", attnOut: "self_attn.o_proj" },
};

export function llamaParamSpecs(config: LlamaConfig): ParamSpec[] {
  const C = config.hiddenSize;
  const F = config.intermediateSize;
  const Q = config.numHeads * config.headDim;
  const KV = config.numKeyValueHeads * config.headDim;
  const specs: ParamSpec[] = [{ name: LLAMA_NAMES.embedding.tokens, shape: [config.vocabSize, C] }];
  for (let i = 0; i < config.numLayers; i++) {
    const p = LLAMA_NAMES.layerPrefix(i);
    const linear = (name: string, out: number, inp: number, bias: boolean) => {
      specs.push({ name: `${p}${name}.weight`, shape: [out, inp] });
      if (bias) specs.push({ name: `${p}${name}.bias`, shape: [out] });
    };
    specs.push({ name: p + "input_layernorm.weight", shape: [C] });
    const qkvBias = config.attentionBias || config.qkvBias;
    linear("self_attn.q_proj", Q, C, qkvBias);
    linear("self_attn.k_proj", KV, C, qkvBias);
    linear("self_attn.v_proj", KV, C, qkvBias);
    if (config.qkNorm)
      specs.push(
        { name: p + "self_attn.q_norm.weight", shape: [config.headDim] },
        { name: p + "self_attn.k_norm.weight", shape: [config.headDim] },
      );
    linear(LLAMA_NAMES.editSurface.attnOut, C, Q, config.attentionBias);
    specs.push({ name: p + "post_attention_layernorm.weight", shape: [C] });
    linear("mlp.gate_proj", F, C, config.mlpBias);
    linear("mlp.up_proj", F, C, config.mlpBias);
    linear(LLAMA_NAMES.editSurface.mlpOut, C, F, config.mlpBias);
  }
  specs.push({ name: LLAMA_NAMES.finalNorm.weight, shape: [C] });
  specs.push({
    name: LLAMA_NAMES.lmHead.weight,
    shape: [config.vocabSize, C],
    ...(config.tieWordEmbeddings ? { tiedTo: LLAMA_NAMES.embedding.tokens } : {}),
  });
  return specs;
}

export function llamaCanonicalName(fileName: string): string | null {
  if (fileName.endsWith("rotary_emb.inv_freq")) return null; // a buffer recomputed from the config
  return fileName;
}
