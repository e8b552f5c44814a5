// Typed model configurations for the supported architectures, read from a Hugging Face
// config.json by ./hf-config.ts. Field names are locedit's own; each comment names the HF key.
// One block layout can serve several model families: Qwen2, Qwen3 and Mistral are Llama blocks
// with a few switches (LlamaConfig.family).

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

/** Model families that run on the Llama block (HF `model_type`). */
export type LlamaFamily = "llama" | "mistral" | "qwen2" | "qwen3";

/**
 * Llama: RMSNorm, rotate-half RoPE, grouped-query attention, SwiGLU MLP; and the families built
 * the same way: Qwen2/2.5 (q/k/v biases), Qwen3 (per-head RMSNorm on q and k, explicit head_dim),
 * Mistral (a sliding attention window).
 */
export interface LlamaConfig extends CommonConfig {
  arch: "llama";
  /** `model_type` */
  family: LlamaFamily;
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
  /** `attention_bias` (Llama: biases on q, k, v and o), `mlp_bias` */
  attentionBias: boolean;
  mlpBias: boolean;
  /** biases on q, k and v only (Qwen2, always) */
  qkvBias: boolean;
  /** RMSNorm over each head of q and of k before RoPE (Qwen3: `q_norm`, `k_norm`) */
  qkNorm: boolean;
  /**
   * Attention window (Mistral `sliding_window`; Qwen2/3 with `use_sliding_window`), or null.
   * locedit refuses positions at or past it instead of windowing (see architecture.ts).
   */
  slidingWindow: number | null;
}

/**
 * GPT-NeoX / Pythia: two LayerNorms, attention and MLP in parallel on the block input
 * (`use_parallel_residual`, else sequential), a fused head-interleaved qkv projection with biases,
 * rotate-half RoPE on the first `rotaryDim` dims of each head, GELU MLP, untied `embed_out`.
 */
export interface GptNeoxConfig extends CommonConfig {
  arch: "gpt_neox";
  /** ⌊head dim · `rotary_pct`⌋ (`partial_rotary_factor` in newer configs) */
  rotaryDim: number;
  /** `rotary_emb_base` (`rope_theta` in newer configs) */
  ropeTheta: number;
  /** `layer_norm_eps` */
  layerNormEpsilon: number;
  /** `use_parallel_residual` */
  parallelResidual: boolean;
  /** `attention_bias` (default true): biases on the qkv and output projections */
  attentionBias: boolean;
  /** `hidden_act`: "gelu" (erf, Pythia) or a tanh approximation ("gelu_new", "gelu_fast", …) */
  activation: "gelu" | "gelu_tanh";
}

export type ModelConfig = Gpt2Config | GptjConfig | LlamaConfig | GptNeoxConfig;
export type Architecture = ModelConfig["arch"];

/** Dimension of one attention head. */
export function headDimOf(config: ModelConfig): number {
  return config.arch === "llama" ? config.headDim : config.hiddenSize / config.numHeads;
}

/** Key/value heads (fewer than query heads under grouped-query attention). */
export function kvHeadsOf(config: ModelConfig): number {
  return config.arch === "llama" ? config.numKeyValueHeads : config.numHeads;
}

/** The family name: HF `model_type` (gpt2, gptj, llama, mistral, qwen2, qwen3, gpt_neox). */
export function familyOf(config: ModelConfig): string {
  return config.arch === "llama" ? config.family : config.arch;
}
