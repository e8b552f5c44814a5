// GPT-2 parameter layout (HF GPT2LMHeadModel). Canonical names are those of the official
// checkpoint (no "transformer." prefix); Conv1D weights are stored [in, out] and transposed.
import type { Gpt2Config } from "../config.js";
import type { ParamSpec } from "../param-spec.js";

export function gpt2ParamSpecs(config: Gpt2Config): ParamSpec[] {
  const C = config.hiddenSize;
  const F = config.intermediateSize;
  const specs: ParamSpec[] = [
    { name: "wte.weight", shape: [config.vocabSize, C] },
    { name: "wpe.weight", shape: [config.maxPositions, C] },
  ];
  for (let i = 0; i < config.numLayers; i++) {
    const p = `h.${i}.`;
    specs.push(
      { name: p + "ln_1.weight", shape: [C] },
      { name: p + "ln_1.bias", shape: [C] },
      { name: p + "attn.c_attn.weight", shape: [3 * C, C], conv1d: true },
      { name: p + "attn.c_attn.bias", shape: [3 * C] },
      { name: p + "attn.c_proj.weight", shape: [C, C], conv1d: true },
      { name: p + "attn.c_proj.bias", shape: [C] },
      { name: p + "ln_2.weight", shape: [C] },
      { name: p + "ln_2.bias", shape: [C] },
      { name: p + "mlp.c_fc.weight", shape: [F, C], conv1d: true },
      { name: p + "mlp.c_fc.bias", shape: [F] },
      { name: p + "mlp.c_proj.weight", shape: [C, F], conv1d: true },
      { name: p + "mlp.c_proj.bias", shape: [C] },
    );
  }
  specs.push({ name: "ln_f.weight", shape: [C] }, { name: "ln_f.bias", shape: [C] });
  specs.push({
    name: "lm_head.weight",
    shape: [config.vocabSize, C],
    ...(config.tieWordEmbeddings ? { tiedTo: "wte.weight" } : {}),
  });
  return specs;
}

/** Checkpoint name → canonical name; null for buffers that are not parameters. */
export function gpt2CanonicalName(fileName: string): string | null {
  const name = fileName.startsWith("transformer.") ? fileName.slice("transformer.".length) : fileName;
  if (/\.attn\.(bias|masked_bias)$/.test(name)) return null; // causal-mask buffers
  return name;
}
