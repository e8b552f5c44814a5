// Hugging Face `config.json` → locedit's typed ModelConfig (./config.ts), for
// model_type gpt2, gptj, gpt_neox, and the Llama-block families llama, mistral, qwen2, qwen3.
// A sliding window (Mistral; Qwen with use_sliding_window) becomes LlamaConfig.slidingWindow.
// Absent optional fields take transformers' defaults; every error names the file and field.

import { existsSync } from "node:fs";
import { join } from "node:path";
import type {
  GptNeoxConfig,
  Gpt2Config,
  GptjConfig,
  LlamaConfig,
  LlamaFamily,
  ModelConfig,
  RopeScaling,
} from "./config.js";
import { readTextFile } from "../io/fs-errors.js";
import { JsonFields } from "../io/json-fields.js";
import { parseJsonText } from "../io/json-text.js";
import { jsonPreview, isPlainObject } from "../io/json-values.js";

export const CONFIG_FILE_NAME = "config.json";
const SUPPORTED_MODEL_TYPES = ["gpt2", "gptj", "gpt_neox", "llama", "mistral", "qwen2", "qwen3"] as const;
/** GELU with the tanh approximation, which GPT-2 and GPT-J use. */
const TANH_GELU_NAMES = ["gelu_new", "gelu_pytorch_tanh"] as const;

/** Reads and validates `<dir>/config.json`. */
export function readModelConfig(dir: string): ModelConfig {
  const path = join(dir, CONFIG_FILE_NAME);
  if (!existsSync(path)) {
    throw new Error(`${path}: not found (every model folder needs a ${CONFIG_FILE_NAME})`);
  }
  return parseModelConfig(readTextFile(path, "the model config"), path);
}

/** Validates a config given as JSON text or as an already parsed value; `sourceName` prefixes errors. */
export function parseModelConfig(json: unknown, sourceName: string): ModelConfig {
  const parsed = typeof json === "string" ? parseJsonText(json, sourceName) : json;
  if (!isPlainObject(parsed)) {
    throw new Error(`${sourceName}: expected a JSON object, got ${jsonPreview(parsed)}`);
  }
  const fields = new JsonFields(parsed, sourceName);
  const modelType = fields.oneOf("model_type", SUPPORTED_MODEL_TYPES);
  switch (modelType) {
    case "gpt2":
      return parseGpt2(fields);
    case "gptj":
      return parseGptj(fields);
    case "gpt_neox":
      return parseGptNeox(fields);
    case "llama":
    case "mistral":
    case "qwen2":
    case "qwen3":
      return parseLlama(fields, modelType);
  }
}

function parseGpt2(fields: JsonFields): Gpt2Config {
  const hiddenSize = fields.integer("n_embd");
  const numHeads = fields.integer("n_head");
  requireDivisible(fields, "n_embd", hiddenSize, "n_head", numHeads);
  fields.oneOf("activation_function", TANH_GELU_NAMES, "gelu_new");
  if (fields.boolean("scale_attn_by_inverse_layer_idx", false)) {
    throw fields.error("scale_attn_by_inverse_layer_idx", "= true is not supported");
  }
  if (!fields.boolean("scale_attn_weights", true)) {
    throw fields.error("scale_attn_weights", "= false is not supported");
  }
  return {
    arch: "gpt2",
    vocabSize: fields.integer("vocab_size"),
    hiddenSize,
    numLayers: fields.integer("n_layer"),
    numHeads,
    intermediateSize: fields.integer("n_inner", 4 * hiddenSize),
    // Old GPT-2 configs may carry only n_ctx.
    maxPositions: fields.integer("n_positions", fields.has("n_ctx") ? fields.integer("n_ctx") : undefined),
    tieWordEmbeddings: fields.boolean("tie_word_embeddings", true),
    layerNormEpsilon: fields.positiveNumber("layer_norm_epsilon", 1e-5),
    ...tokenIds(fields),
  };
}

function parseGptj(fields: JsonFields): GptjConfig {
  const hiddenSize = fields.integer("n_embd");
  const numHeads = fields.integer("n_head");
  requireDivisible(fields, "n_embd", hiddenSize, "n_head", numHeads);
  const headDim = hiddenSize / numHeads;
  fields.oneOf("activation_function", TANH_GELU_NAMES, "gelu_new");
  // transformers: an absent rotary_dim defaults to 64; an explicit null rotates the whole head.
  const rotaryDim = fields.raw("rotary_dim") === undefined ? 64 : fields.integer("rotary_dim", headDim);
  if (rotaryDim > headDim || rotaryDim % 2 !== 0) {
    throw fields.error("rotary_dim", `= ${rotaryDim} must be even and at most the head dim ${headDim}`);
  }
  return {
    arch: "gptj",
    vocabSize: fields.integer("vocab_size"),
    hiddenSize,
    numLayers: fields.integer("n_layer"),
    numHeads,
    intermediateSize: fields.integer("n_inner", 4 * hiddenSize),
    maxPositions: fields.integer("n_positions"),
    tieWordEmbeddings: fields.boolean("tie_word_embeddings", false),
    rotaryDim,
    layerNormEpsilon: fields.positiveNumber("layer_norm_epsilon", 1e-5),
    ...tokenIds(fields),
  };
}

function parseLlama(fields: JsonFields, family: LlamaFamily): LlamaConfig {
  const hiddenSize = fields.integer("hidden_size");
  const numHeads = fields.integer("num_attention_heads");
  const numKeyValueHeads = fields.integer("num_key_value_heads", numHeads);
  requireDivisible(fields, "num_attention_heads", numHeads, "num_key_value_heads", numKeyValueHeads);
  // transformers' Qwen3Config defaults head_dim to 128; the others to hidden_size / heads.
  if (!fields.has("head_dim") && family !== "qwen3") {
    requireDivisible(fields, "hidden_size", hiddenSize, "num_attention_heads", numHeads);
  }
  const headDim = fields.integer("head_dim", family === "qwen3" ? 128 : hiddenSize / numHeads);
  if (headDim % 2 !== 0) throw fields.error("head_dim", `= ${headDim} must be even for rotary embeddings`);
  fields.oneOf("hidden_act", ["silu"] as const, "silu");
  // Qwen2 has q/k/v biases and no attention_bias field; Llama and Qwen3 read attention_bias.
  const attentionBias = family === "qwen2" ? false : fields.boolean("attention_bias", false);
  return {
    arch: "llama",
    family,
    vocabSize: fields.integer("vocab_size"),
    hiddenSize,
    numLayers: fields.integer("num_hidden_layers"),
    numHeads,
    intermediateSize: fields.integer("intermediate_size"),
    maxPositions: fields.integer("max_position_embeddings"),
    tieWordEmbeddings: fields.boolean("tie_word_embeddings", false),
    numKeyValueHeads,
    headDim,
    rmsNormEps: fields.positiveNumber("rms_norm_eps", 1e-6),
    ropeTheta: fields.positiveNumber("rope_theta", 10000),
    ropeScaling: parseRopeScaling(fields),
    attentionBias,
    mlpBias: family === "llama" ? fields.boolean("mlp_bias", false) : false,
    qkvBias: family === "qwen2",
    qkNorm: family === "qwen3",
    slidingWindow: slidingWindowOf(fields, family),
    ...tokenIds(fields),
  };
}

/**
 * The attention window, or null: Mistral always has one unless `sliding_window` is null
 * (transformers' MistralConfig defaults it to 4096); Qwen2/3 only with `use_sliding_window`.
 */
function slidingWindowOf(fields: JsonFields, family: LlamaFamily): number | null {
  if (family === "mistral") {
    if (fields.raw("sliding_window") === undefined) return 4096;
    return fields.has("sliding_window") ? fields.integer("sliding_window") : null;
  }
  if ((family === "qwen2" || family === "qwen3") && fields.boolean("use_sliding_window", false))
    return fields.integer("sliding_window", 4096);
  return null;
}

/** GELU names: Pythia's exact "gelu", and the tanh approximations (equal math, several names). */
const NEOX_ACTIVATIONS = ["gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast"] as const;

function parseGptNeox(fields: JsonFields): GptNeoxConfig {
  const hiddenSize = fields.integer("hidden_size");
  const numHeads = fields.integer("num_attention_heads");
  requireDivisible(fields, "hidden_size", hiddenSize, "num_attention_heads", numHeads);
  const headDim = hiddenSize / numHeads;
  // transformers renamed rotary_pct → partial_rotary_factor and rotary_emb_base → rope_theta.
  const pctKey = fields.has("partial_rotary_factor") ? "partial_rotary_factor" : "rotary_pct";
  const pct = fields.positiveNumber(pctKey, 0.25);
  const rotaryDim = Math.floor(headDim * pct);
  if (pct > 1 || rotaryDim < 2 || rotaryDim % 2 !== 0)
    throw fields.error(
      pctKey,
      `= ${pct} gives ${rotaryDim} rotary dims of the head dim ${headDim}; expected an even number ≥ 2`,
    );
  const baseKey = fields.has("rope_theta") ? "rope_theta" : "rotary_emb_base";
  const scaling = fields.raw("rope_scaling");
  if (scaling !== undefined && scaling !== null)
    throw fields.error("rope_scaling", "is not supported for gpt_neox (expected null)");
  const act = fields.oneOf("hidden_act", NEOX_ACTIVATIONS, "gelu");
  return {
    arch: "gpt_neox",
    vocabSize: fields.integer("vocab_size"),
    hiddenSize,
    numLayers: fields.integer("num_hidden_layers"),
    numHeads,
    intermediateSize: fields.integer("intermediate_size"),
    maxPositions: fields.integer("max_position_embeddings", 2048),
    tieWordEmbeddings: fields.boolean("tie_word_embeddings", false),
    rotaryDim,
    ropeTheta: fields.positiveNumber(baseKey, 10000),
    layerNormEpsilon: fields.positiveNumber("layer_norm_eps", 1e-5),
    parallelResidual: fields.boolean("use_parallel_residual", true),
    attentionBias: fields.boolean("attention_bias", true),
    activation: act === "gelu" ? "gelu" : "gelu_tanh",
    ...tokenIds(fields),
  };
}

/** `rope_scaling`: null, {rope_type|type: "linear", factor} or Llama 3's {rope_type: "llama3", ...}. */
function parseRopeScaling(fields: JsonFields): RopeScaling | null {
  const raw = fields.raw("rope_scaling");
  if (raw === undefined || raw === null) return null;
  if (!isPlainObject(raw)) {
    throw fields.error("rope_scaling", `must be null or an object, got ${jsonPreview(raw)}`);
  }
  const scaling = new JsonFields(raw, `${fields.source}: rope_scaling`);
  const type = scaling.has("rope_type") ? scaling.string("rope_type") : scaling.string("type");
  if (type === "default") return null;
  if (type === "linear") return { type: "linear", factor: scaling.positiveNumber("factor") };
  if (type === "llama3") {
    const lowFreqFactor = scaling.positiveNumber("low_freq_factor");
    const highFreqFactor = scaling.positiveNumber("high_freq_factor");
    if (highFreqFactor <= lowFreqFactor) {
      throw scaling.error(
        "high_freq_factor",
        `= ${highFreqFactor} must exceed low_freq_factor = ${lowFreqFactor}`,
      );
    }
    return {
      type: "llama3",
      factor: scaling.positiveNumber("factor"),
      lowFreqFactor,
      highFreqFactor,
      originalMaxPositions: scaling.integer("original_max_position_embeddings"),
    };
  }
  throw fields.error(
    "rope_scaling",
    `type ${JSON.stringify(type)} is not supported (supported: linear, llama3)`,
  );
}

function requireDivisible(
  fields: JsonFields,
  key: string,
  value: number,
  divisorKey: string,
  divisor: number,
): void {
  if (value % divisor !== 0) {
    throw fields.error(key, `= ${value} must be divisible by ${divisorKey} = ${divisor}`);
  }
}

/** bos/eos ids when present; a list (Llama 3 instruct's several eos ids) contributes its first. */
function tokenIds(fields: JsonFields): { bosTokenId?: number; eosTokenId?: number } {
  const ids: { bosTokenId?: number; eosTokenId?: number } = {};
  for (const [key, target] of [
    ["bos_token_id", "bosTokenId"],
    ["eos_token_id", "eosTokenId"],
  ] as const) {
    const raw = fields.raw(key);
    if (raw === undefined || raw === null) continue;
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (typeof first !== "number" || !Number.isSafeInteger(first) || first < 0) {
      throw fields.error(key, `must be a non-negative integer or a list of them, got ${jsonPreview(raw)}`);
    }
    ids[target] = first;
  }
  return ids;
}
