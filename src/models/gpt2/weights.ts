// GPT-2 parameter layout (HF GPT2LMHeadModel). Canonical names are those of the official
// checkpoint (no "transformer." prefix); Conv1D weights are stored [in, out] and transposed.
import type { Gpt2Config } from "../config.js";
import type { ArchitectureNames, ParamSpec } from "../param-spec.js";

export const GPT2_NAMES: ArchitectureNames = {
  layerPrefix: (layer) => `h.${layer}.`,
  embedding: { tokens: "wte.weight", positions: "wpe.weight" },
  finalNorm: { weight: "ln_f.weight", bias: "ln_f.bias" },
  lmHead: { weight: "lm_head.weight", bias: null },
  editSurface: { mlpOut: "mlp.c_proj", attnOut: "attn.c_proj" },
};

export function gpt2ParamSpecs(config: Gpt2Config): ParamSpec[] {
  const C = config.hiddenSize;
  const F = config.intermediateSize;
  const specs: ParamSpec[] = [
    { name: GPT2_NAMES.embedding.tokens, shape: [config.vocabSize, C] },
    { name: GPT2_NAMES.embedding.positions!, shape: [config.maxPositions, C] },
  ];
  for (let i = 0; i < config.numLayers; i++) {
    const p = GPT2_NAMES.layerPrefix(i);
    specs.push(
      { name: p + "ln_1.weight", shape: [C] },
      { name: p + "ln_1.bias", shape: [C] },
      { name: p + "attn.c_attn.weight", shape: [3 * C, C], conv1d: true },
      { name: p + "attn.c_attn.bias", shape: [3 * C] },
      { name: p + `${GPT2_NAMES.editSurface.attnOut}.weight`, shape: [C, C], conv1d: true },
      { name: p + `${GPT2_NAMES.editSurface.attnOut}.bias`, shape: [C] },
      { name: p + "ln_2.weight", shape: [C] },
      { name: p + "ln_2.bias", shape: [C] },
      { name: p + "mlp.c_fc.weight", shape: [F, C], conv1d: true },
      { name: p + "mlp.c_fc.bias", shape: [F] },
      { name: p + `${GPT2_NAMES.editSurface.mlpOut}.weight`, shape: [C, F], conv1d: true },
      { name: p + `${GPT2_NAMES.editSurface.mlpOut}.bias`, shape: [C] },
    );
  }
  specs.push(
    { name: GPT2_NAMES.finalNorm.weight, shape: [C] },
    { name: GPT2_NAMES.finalNorm.bias!, shape: [C] },
  );
  specs.push({
    name: GPT2_NAMES.lmHead.weight,
    shape: [config.vocabSize, C],
    ...(config.tieWordEmbeddings ? { tiedTo: GPT2_NAMES.embedding.tokens } : {}),
  });
  return specs;
}

/** Checkpoint name → canonical name; null for buffers that are not parameters. */
export function gpt2CanonicalName(fileName: string): string | null {
  const name = fileName.startsWith("transformer.") ? fileName.slice("transformer.".length) : fileName;
  if (/\.attn\.(bias|masked_bias)$/.test(name)) return null; // causal-mask buffers
  return name;
}
