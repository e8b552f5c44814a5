// Llama parameter layout (HF LlamaForCausalLM); all linear weights are already [out, in].
import type { LlamaConfig } from "../config.js";
import type { ParamSpec } from "../param-spec.js";

export function llamaParamSpecs(config: LlamaConfig): ParamSpec[] {
  const C = config.hiddenSize;
  const F = config.intermediateSize;
  const Q = config.numHeads * config.headDim;
  const KV = config.numKeyValueHeads * config.headDim;
  const specs: ParamSpec[] = [{ name: "model.embed_tokens.weight", shape: [config.vocabSize, C] }];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `model.layers.${i}.`;
    const linear = (name: string, out: number, inp: number, bias: boolean) => {
      specs.push({ name: `${p}${name}.weight`, shape: [out, inp] });
      if (bias) specs.push({ name: `${p}${name}.bias`, shape: [out] });
    };
    specs.push({ name: p + "input_layernorm.weight", shape: [C] });
    linear("self_attn.q_proj", Q, C, config.attentionBias);
    linear("self_attn.k_proj", KV, C, config.attentionBias);
    linear("self_attn.v_proj", KV, C, config.attentionBias);
    linear("self_attn.o_proj", C, Q, config.attentionBias);
    specs.push({ name: p + "post_attention_layernorm.weight", shape: [C] });
    linear("mlp.gate_proj", F, C, config.mlpBias);
    linear("mlp.up_proj", F, C, config.mlpBias);
    linear("mlp.down_proj", C, F, config.mlpBias);
  }
  specs.push({ name: "model.norm.weight", shape: [C] });
  specs.push({
    name: "lm_head.weight",
    shape: [config.vocabSize, C],
    ...(config.tieWordEmbeddings ? { tiedTo: "model.embed_tokens.weight" } : {}),
  });
  return specs;
}

export function llamaCanonicalName(fileName: string): string | null {
  if (fileName.endsWith("rotary_emb.inv_freq")) return null; // a buffer recomputed from the config
  return fileName;
}
