// locedit's typed ModelConfig → a Hugging Face config.json object (the inverse of ./hf-config.ts),
// for folders that locedit writes itself (random or trained models).
import type { LlamaConfig, LlamaFamily, ModelConfig, RopeScaling } from "./config.js";

function ropeScalingJson(scaling: RopeScaling | null): Record<string, unknown> | null {
  if (!scaling) return null;
  if (scaling.type === "linear") return { rope_type: "linear", factor: scaling.factor };
  return {
    rope_type: "llama3",
    factor: scaling.factor,
    low_freq_factor: scaling.lowFreqFactor,
    high_freq_factor: scaling.highFreqFactor,
    original_max_position_embeddings: scaling.originalMaxPositions,
  };
}

const LLAMA_FAMILY_CLASSES: Record<LlamaFamily, string> = {
  llama: "LlamaForCausalLM",
  mistral: "MistralForCausalLM",
  qwen2: "Qwen2ForCausalLM",
  qwen3: "Qwen3ForCausalLM",
};

/** The window fields as each family spells them (absent for Llama). */
function slidingWindowJson(config: LlamaConfig): Record<string, unknown> {
  if (config.family === "mistral") return { sliding_window: config.slidingWindow };
  if (config.family === "llama") return {};
  return { use_sliding_window: config.slidingWindow !== null, sliding_window: config.slidingWindow };
}

export function toHfConfig(config: ModelConfig): Record<string, unknown> {
  const tokens = {
    ...(config.bosTokenId !== undefined ? { bos_token_id: config.bosTokenId } : {}),
    ...(config.eosTokenId !== undefined ? { eos_token_id: config.eosTokenId } : {}),
  };
  switch (config.arch) {
    case "gpt2":
    case "gptj":
      return {
        architectures: [config.arch === "gpt2" ? "GPT2LMHeadModel" : "GPTJForCausalLM"],
        model_type: config.arch,
        vocab_size: config.vocabSize,
        n_embd: config.hiddenSize,
        n_layer: config.numLayers,
        n_head: config.numHeads,
        n_inner: config.intermediateSize,
        n_positions: config.maxPositions,
        ...(config.arch === "gptj" ? { rotary_dim: config.rotaryDim } : {}),
        layer_norm_epsilon: config.layerNormEpsilon,
        activation_function: "gelu_new",
        tie_word_embeddings: config.tieWordEmbeddings,
        torch_dtype: "float32",
        ...tokens,
      };
    case "gpt_neox":
      return {
        architectures: ["GPTNeoXForCausalLM"],
        model_type: "gpt_neox",
        vocab_size: config.vocabSize,
        hidden_size: config.hiddenSize,
        intermediate_size: config.intermediateSize,
        num_hidden_layers: config.numLayers,
        num_attention_heads: config.numHeads,
        max_position_embeddings: config.maxPositions,
        rotary_pct: config.rotaryDim / (config.hiddenSize / config.numHeads),
        rotary_emb_base: config.ropeTheta,
        rope_scaling: null,
        layer_norm_eps: config.layerNormEpsilon,
        use_parallel_residual: config.parallelResidual,
        attention_bias: config.attentionBias,
        hidden_act: config.activation === "gelu" ? "gelu" : "gelu_new",
        tie_word_embeddings: config.tieWordEmbeddings,
        torch_dtype: "float32",
        ...tokens,
      };
    case "llama":
      return {
        architectures: [LLAMA_FAMILY_CLASSES[config.family]],
        model_type: config.family,
        vocab_size: config.vocabSize,
        hidden_size: config.hiddenSize,
        intermediate_size: config.intermediateSize,
        num_hidden_layers: config.numLayers,
        num_attention_heads: config.numHeads,
        num_key_value_heads: config.numKeyValueHeads,
        head_dim: config.headDim,
        max_position_embeddings: config.maxPositions,
        rms_norm_eps: config.rmsNormEps,
        rope_theta: config.ropeTheta,
        rope_scaling: ropeScalingJson(config.ropeScaling),
        ...(config.family === "qwen2" ? {} : { attention_bias: config.attentionBias }),
        ...(config.family === "llama" ? { mlp_bias: config.mlpBias } : {}),
        ...slidingWindowJson(config),
        hidden_act: "silu",
        tie_word_embeddings: config.tieWordEmbeddings,
        torch_dtype: "float32",
        ...tokens,
      };
  }
}
