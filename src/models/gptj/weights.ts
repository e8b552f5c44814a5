// GPT-J parameter layout (HF GPTJForCausalLM): attention projections without biases, MLP with
// biases, an untied LM head with a bias. All linear weights are already [out, in].
import type { GptjConfig } from "../config.js";
import type { ArchitectureNames, ParamSpec } from "../param-spec.js";

export const GPTJ_NAMES: ArchitectureNames = {
  layerPrefix: (layer) => `transformer.h.${layer}.`,
  embedding: { tokens: "transformer.wte.weight", positions: null },
  finalNorm: { weight: "transformer.ln_f.weight", bias: "transformer.ln_f.bias" },
  lmHead: { weight: "lm_head.weight", bias: "lm_head.bias" },
  editSurface: { mlpOut: "mlp.fc_out", attnOut: "attn.out_proj" },
};

export function gptjParamSpecs(config: GptjConfig): ParamSpec[] {
  const C = config.hiddenSize;
  const F = config.intermediateSize;
  const V = config.vocabSize;
  const specs: ParamSpec[] = [{ name: GPTJ_NAMES.embedding.tokens, shape: [V, C] }];
  for (let i = 0; i < config.numLayers; i++) {
    const p = GPTJ_NAMES.layerPrefix(i);
    specs.push(
      { name: p + "ln_1.weight", shape: [C] },
      { name: p + "ln_1.bias", shape: [C] },
      { name: p + "attn.q_proj.weight", shape: [C, C] },
      { name: p + "attn.k_proj.weight", shape: [C, C] },
      { name: p + "attn.v_proj.weight", shape: [C, C] },
      { name: p + `${GPTJ_NAMES.editSurface.attnOut}.weight`, shape: [C, C] },
      { name: p + "mlp.fc_in.weight", shape: [F, C] },
      { name: p + "mlp.fc_in.bias", shape: [F] },
      { name: p + `${GPTJ_NAMES.editSurface.mlpOut}.weight`, shape: [C, F] },
      { name: p + `${GPTJ_NAMES.editSurface.mlpOut}.bias`, shape: [C] },
    );
  }
  specs.push(
    { name: GPTJ_NAMES.finalNorm.weight, shape: [C] },
    { name: GPTJ_NAMES.finalNorm.bias!, shape: [C] },
  );
  specs.push({
    name: GPTJ_NAMES.lmHead.weight,
    shape: [V, C],
    ...(config.tieWordEmbeddings ? { tiedTo: GPTJ_NAMES.embedding.tokens } : {}),
  });
  specs.push({ name: GPTJ_NAMES.lmHead.bias!, shape: [V] });
  return specs;
}

export function gptjCanonicalName(fileName: string): string | null {
  if (/\.attn\.(bias|masked_bias)$/.test(fileName)) return null; // causal-mask buffers
  return fileName;
}
