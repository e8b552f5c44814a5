// GPT-J parameter layout (HF GPTJForCausalLM): attention projections without biases, MLP with
// biases, an untied LM head with a bias. All linear weights are already [out, in].
import type { GptjConfig } from "../config.js";
import type { ParamSpec } from "../param-spec.js";

export function gptjParamSpecs(config: GptjConfig): ParamSpec[] {
  const C = config.hiddenSize;
  const F = config.intermediateSize;
  const V = config.vocabSize;
  const specs: ParamSpec[] = [{ name: "transformer.wte.weight", shape: [V, C] }];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `transformer.h.${i}.`;
    specs.push(
      { name: p + "ln_1.weight", shape: [C] },
      { name: p + "ln_1.bias", shape: [C] },
      { name: p + "attn.q_proj.weight", shape: [C, C] },
      { name: p + "attn.k_proj.weight", shape: [C, C] },
      { name: p + "attn.v_proj.weight", shape: [C, C] },
      { name: p + "attn.out_proj.weight", shape: [C, C] },
      { name: p + "mlp.fc_in.weight", shape: [F, C] },
      { name: p + "mlp.fc_in.bias", shape: [F] },
      { name: p + "mlp.fc_out.weight", shape: [C, F] },
      { name: p + "mlp.fc_out.bias", shape: [C] },
    );
  }
  specs.push({ name: "transformer.ln_f.weight", shape: [C] }, { name: "transformer.ln_f.bias", shape: [C] });
  specs.push({
    name: "lm_head.weight",
    shape: [V, C],
    ...(config.tieWordEmbeddings ? { tiedTo: "transformer.wte.weight" } : {}),
  });
  specs.push({ name: "lm_head.bias", shape: [V] });
  return specs;
}

export function gptjCanonicalName(fileName: string): string | null {
  if (/\.attn\.(bias|masked_bias)$/.test(fileName)) return null; // causal-mask buffers
  return fileName;
}
