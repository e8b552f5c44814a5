// Typed model configurations for the three supported architectures, read from a Hugging Face
// config.json by ./hf-config.ts. Field names are locedit's own; each comment names the HF key.

/** RoPE frequency scaling (HF `rope_scaling`): none, linear, or Llama 3's piecewise rule. */
export type RopeScaling =
  | { type: "linear"; factor: number }
  | {
      type: "llama3";
      factor: number;
      lowFreqFactor: number;
      highFreqFactor: number;
      originalMaxPositions: number;
    };

interface CommonConfig {
  /** `vocab_size` */
  vocabSize: number;
  /** d_model: `n_embd` (gpt2, gptj) or `hidden_size` (llama) */
  hiddenSize: number;
  /** `n_layer` / `num_hidden_layers` */
  numLayers: number;
  /** `n_head` / `num_attention_heads` */
  numHeads: number;
  /** d_ff, the MLP width: `n_inner` (null → 4·d_model) / `intermediate_size` */
  intermediateSize: number;
  /** `n_positions` / `max_position_embeddings` */
  maxPositions: number;
  /** `tie_word_embeddings`: the LM head reuses the token embedding matrix */
  tieWordEmbeddings: boolean;
  /** `bos_token_id`, `eos_token_id` when present */
  bosTokenId?: number;
  eosTokenId?: number;
}

/** GPT-2: learned positions, pre-LayerNorm blocks, fused QKV with biases, GELU (tanh) MLP. */
export interface Gpt2Config extends CommonConfig {
  arch: "gpt2";
  /** `layer_norm_epsilon` */
  layerNormEpsilon: number;
}

/** GPT-J: parallel attention + MLP on one LayerNorm, rotary on the first `rotaryDim` dims of each head. */
export interface GptjConfig extends CommonConfig {
  arch: "gptj";
  /** `rotary_dim` (null → head dim) */
  rotaryDim: number;
  /** `layer_norm_epsilon` */
  layerNormEpsilon: number;
}

/** Llama: RMSNorm, rotate-half RoPE, grouped-query attention, SwiGLU MLP. */
export interface LlamaConfig extends CommonConfig {
  arch: "llama";
  /** `num_key_value_heads` (defaults to numHeads) */
  numKeyValueHeads: number;
  /** `head_dim` (defaults to hiddenSize / numHeads) */
  headDim: number;
  /** `rms_norm_eps` */
  rmsNormEps: number;
  /** `rope_theta` (default 10000) */
  ropeTheta: number;
  /** `rope_scaling` */
  ropeScaling: RopeScaling | null;
  /** `attention_bias`, `mlp_bias` */
  attentionBias: boolean;
  mlpBias: boolean;
}

export type ModelConfig = Gpt2Config | GptjConfig | LlamaConfig;
export type Architecture = ModelConfig["arch"];

/** Dimension of one attention head. */
export function headDimOf(config: ModelConfig): number {
  return config.arch === "llama" ? config.headDim : config.hiddenSize / config.numHeads;
}
