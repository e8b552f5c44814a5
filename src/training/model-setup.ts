// The model a training run starts from: a Hugging Face config built from a few shape numbers
// (validated by the same parser that reads config.json), and seeded initial weights in GPT-2's
// scheme (Radford et al. 2019, §2.3): N(0, std²) matrices, unit norm weights, zero biases, and the
// residual output projections (attention and MLP) scaled by 1/√(2·layers).
import { parseModelConfig } from "../models/hf-config.js";
import type { ModelConfig } from "../models/config.js";
import { randomParams } from "../models/random-weights.js";

export type TrainableArch = "gpt2" | "llama";

export interface ModelShape {
  arch: TrainableArch;
  layers: number;
  /** d_model */
  dim: number;
  heads: number;
  /** MLP width (default 4·dim) */
  ffn?: number;
  /** longest sequence (n_positions / max_position_embeddings) */
  maxPositions: number;
}

/** The HF config.json object of a fresh model with tied embeddings. */
export function hfConfigForShape(
  shape: ModelShape,
  vocabSize: number,
  special: { bos: number; eos: number },
): Record<string, unknown> {
  const ffn = shape.ffn ?? 4 * shape.dim;
  const tokens = { bos_token_id: special.bos, eos_token_id: special.eos };
  if (shape.arch === "gpt2")
    return {
      architectures: ["GPT2LMHeadModel"],
      model_type: "gpt2",
      vocab_size: vocabSize,
      n_embd: shape.dim,
      n_layer: shape.layers,
      n_head: shape.heads,
      n_inner: ffn,
      n_positions: shape.maxPositions,
      layer_norm_epsilon: 1e-5,
      activation_function: "gelu_new",
      tie_word_embeddings: true,
      torch_dtype: "float32",
      ...tokens,
    };
  if (shape.dim % shape.heads !== 0)
    throw new Error(`dim ${shape.dim} is not divisible by heads ${shape.heads}`);
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: vocabSize,
    hidden_size: shape.dim,
    intermediate_size: ffn,
    num_hidden_layers: shape.layers,
    num_attention_heads: shape.heads,
    num_key_value_heads: shape.heads,
    head_dim: shape.dim / shape.heads,
    max_position_embeddings: shape.maxPositions,
    rms_norm_eps: 1e-5,
    rope_theta: 10000,
    rope_scaling: null,
    attention_bias: false,
    mlp_bias: false,
    hidden_act: "silu",
    tie_word_embeddings: true,
    torch_dtype: "float32",
    ...tokens,
  };
}

export function configForShape(
  shape: ModelShape,
  vocabSize: number,
  special: { bos: number; eos: number },
): ModelConfig {
  return parseModelConfig(hfConfigForShape(shape, vocabSize, special), `${shape.arch} model shape`);
}

/** Output projections that write into the residual stream (GPT-2, GPT-J and Llama names). */
const RESIDUAL_PROJECTION = /(attn\.c_proj|mlp\.c_proj|attn\.out_proj|mlp\.fc_out|o_proj|down_proj)\.weight$/;

export function initialParams(config: ModelConfig, seed: number, std = 0.02): Map<string, Float32Array> {
  const params = randomParams(config, { seed, std });
  const scale = 1 / Math.sqrt(2 * config.numLayers);
  for (const [name, data] of params)
    if (RESIDUAL_PROJECTION.test(name)) for (let i = 0; i < data.length; i++) data[i] *= scale;
  return params;
}
