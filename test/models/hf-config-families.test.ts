// Tests for src/models/hf-config.ts on the families beyond GPT-2/GPT-J/Llama, with the published
// config.json of Qwen2.5-7B and -0.5B, Qwen3-8B and -0.6B, Mistral-7B-v0.1 and Pythia-160M
// (trimmed to the fields read): what each maps to, transformers' defaults, and errors.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseModelConfig } from "../../src/models/hf-config.js";
import { errorMessage } from "../io/fixtures.js";

const QWEN25_7B = {
  architectures: ["Qwen2ForCausalLM"],
  bos_token_id: 151643,
  eos_token_id: 151643,
  hidden_act: "silu",
  hidden_size: 3584,
  intermediate_size: 18944,
  max_position_embeddings: 131072,
  max_window_layers: 28,
  model_type: "qwen2",
  num_attention_heads: 28,
  num_hidden_layers: 28,
  num_key_value_heads: 4,
  rms_norm_eps: 1e-6,
  rope_theta: 1000000.0,
  sliding_window: 131072,
  tie_word_embeddings: false,
  use_sliding_window: false,
  vocab_size: 152064,
};
const QWEN25_05B = {
  ...QWEN25_7B,
  hidden_size: 896,
  intermediate_size: 4864,
  max_position_embeddings: 32768,
  num_attention_heads: 14,
  num_hidden_layers: 24,
  num_key_value_heads: 2,
  tie_word_embeddings: true,
  vocab_size: 151936,
};
const QWEN3_8B = {
  architectures: ["Qwen3ForCausalLM"],
  attention_bias: false,
  bos_token_id: 151643,
  eos_token_id: 151645,
  head_dim: 128,
  hidden_act: "silu",
  hidden_size: 4096,
  intermediate_size: 12288,
  max_position_embeddings: 40960,
  model_type: "qwen3",
  num_attention_heads: 32,
  num_hidden_layers: 36,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-6,
  rope_scaling: null,
  rope_theta: 1000000,
  sliding_window: null,
  tie_word_embeddings: false,
  use_sliding_window: false,
  vocab_size: 151936,
};
const QWEN3_06B = {
  ...QWEN3_8B,
  hidden_size: 1024,
  intermediate_size: 3072,
  num_attention_heads: 16,
  num_hidden_layers: 28,
  tie_word_embeddings: true,
};
const MISTRAL_7B = {
  architectures: ["MistralForCausalLM"],
  bos_token_id: 1,
  eos_token_id: 2,
  hidden_act: "silu",
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 32768,
  model_type: "mistral",
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_theta: 10000.0,
  sliding_window: 4096,
  tie_word_embeddings: false,
  vocab_size: 32000,
};
const PYTHIA_160M = {
  architectures: ["GPTNeoXForCausalLM"],
  bos_token_id: 0,
  eos_token_id: 0,
  hidden_act: "gelu",
  hidden_size: 768,
  intermediate_size: 3072,
  layer_norm_eps: 1e-5,
  max_position_embeddings: 2048,
  model_type: "gpt_neox",
  num_attention_heads: 12,
  num_hidden_layers: 12,
  rotary_emb_base: 10000,
  rotary_pct: 0.25,
  tie_word_embeddings: false,
  use_parallel_residual: true,
  vocab_size: 50304,
};

test("Qwen2.5: the llama block with q/k/v biases (no o_proj bias); 0.5B ties its embeddings", () => {
  const config = parseModelConfig(QWEN25_7B, "qwen2.5-7b/config.json");
  assert.ok(config.arch === "llama");
  assert.equal(config.family, "qwen2");
  assert.equal(config.qkvBias, true);
  assert.equal(config.attentionBias, false);
  assert.equal(config.qkNorm, false);
  assert.equal(config.headDim, 128);
  assert.equal(config.numKeyValueHeads, 4);
  assert.equal(config.slidingWindow, null, "use_sliding_window false: sliding_window is not used");
  assert.equal(config.ropeTheta, 1e6);
  assert.equal(parseModelConfig(QWEN25_05B, "c").tieWordEmbeddings, true);
  const windowed = parseModelConfig({ ...QWEN25_7B, use_sliding_window: true, sliding_window: 4096 }, "c");
  assert.ok(windowed.arch === "llama" && windowed.slidingWindow === 4096);
});

test("Qwen3: per-head q/k norms, explicit head_dim (≠ hidden/heads on 0.6B), transformers' default 128", () => {
  const config = parseModelConfig(QWEN3_8B, "qwen3-8b/config.json");
  assert.ok(config.arch === "llama" && config.family === "qwen3" && config.qkNorm && !config.qkvBias);
  assert.equal(config.headDim, 128);
  assert.equal(config.eosTokenId, 151645);
  const small = parseModelConfig(QWEN3_06B, "c");
  assert.ok(small.arch === "llama" && small.headDim === 128 && small.hiddenSize / small.numHeads === 64);
  const { head_dim: _absent, ...noHeadDim } = QWEN3_06B;
  const defaulted = parseModelConfig(noHeadDim, "c");
  assert.ok(defaulted.arch === "llama" && defaulted.headDim === 128);
  const biased = parseModelConfig({ ...QWEN3_8B, attention_bias: true }, "c");
  assert.ok(biased.arch === "llama" && biased.attentionBias);
});

test("Mistral 7B: the llama block, GQA, sliding window 4096", () => {
  const config = parseModelConfig(MISTRAL_7B, "mistral-7b/config.json");
  assert.ok(config.arch === "llama" && config.family === "mistral");
  assert.equal(config.slidingWindow, 4096);
  assert.equal(config.headDim, 128);
  assert.equal(config.qkvBias || config.qkNorm || config.attentionBias || config.mlpBias, false);
});

test("Pythia-160M: gpt_neox, parallel residual, 25 % rotary of 64-dim heads, exact GELU", () => {
  assert.deepEqual(parseModelConfig(PYTHIA_160M, "pythia-160m/config.json"), {
    arch: "gpt_neox",
    vocabSize: 50304,
    hiddenSize: 768,
    numLayers: 12,
    numHeads: 12,
    intermediateSize: 3072,
    maxPositions: 2048,
    tieWordEmbeddings: false,
    rotaryDim: 16,
    ropeTheta: 10000,
    layerNormEpsilon: 1e-5,
    parallelResidual: true,
    attentionBias: true,
    activation: "gelu",
    bosTokenId: 0,
    eosTokenId: 0,
  });
});

test("GPT-NeoX: newer field names, sequential residual, tanh GELU names", () => {
  const { rotary_pct: _p, rotary_emb_base: _b, ...renamed } = PYTHIA_160M;
  const config = parseModelConfig(
    {
      ...renamed,
      partial_rotary_factor: 0.5,
      rope_theta: 5000,
      use_parallel_residual: false,
      hidden_act: "gelu_fast",
    },
    "c",
  );
  assert.ok(config.arch === "gpt_neox");
  assert.equal(config.rotaryDim, 32);
  assert.equal(config.ropeTheta, 5000);
  assert.equal(config.parallelResidual, false);
  assert.equal(config.activation, "gelu_tanh");
});

test("errors name the file and field", () => {
  const cases: [unknown, RegExp][] = [
    [
      { ...PYTHIA_160M, rotary_pct: 0.01 },
      /field "rotary_pct" = 0\.01 gives 0 rotary dims of the head dim 64; expected an even number ≥ 2/,
    ],
    [{ ...PYTHIA_160M, rotary_pct: 1.5 }, /field "rotary_pct" = 1\.5 gives 96 rotary dims/],
    [
      { ...PYTHIA_160M, num_attention_heads: 7 },
      /field "hidden_size" = 768 must be divisible by num_attention_heads = 7/,
    ],
    [
      { ...PYTHIA_160M, hidden_act: "relu" },
      /field "hidden_act" must be one of "gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", got "relu"/,
    ],
    [
      { ...PYTHIA_160M, rope_scaling: { type: "linear", factor: 2 } },
      /field "rope_scaling" is not supported for gpt_neox/,
    ],
    [{ ...PYTHIA_160M, use_parallel_residual: "yes" }, /field "use_parallel_residual" must be a boolean/],
    [{ ...MISTRAL_7B, sliding_window: 0 }, /field "sliding_window" must be an integer ≥ 1, got 0/],
    [{ ...QWEN3_8B, head_dim: 63 }, /field "head_dim" = 63 must be even/],
    [{ ...QWEN25_7B, use_sliding_window: 1 }, /field "use_sliding_window" must be a boolean, got 1/],
    [{ ...QWEN25_7B, hidden_act: "gelu" }, /field "hidden_act" must be one of "silu", got "gelu"/],
  ];
  for (const [json, pattern] of cases) {
    const message = errorMessage(() => parseModelConfig(json, "f.json"));
    assert.ok(message.startsWith("f.json: "), message);
    assert.match(message, pattern);
  }
});
