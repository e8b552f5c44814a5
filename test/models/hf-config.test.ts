// Tests for src/models/hf-config.ts on the published config.json of GPT-2 XL, GPT-J 6B, Llama 3 / 3.1
// 8B and Mistral 7B (trimmed to the fields read), plus one test per error class.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseModelConfig, readModelConfig } from "../../src/models/hf-config.js";
import { errorMessage, makeTempDir } from "../io/fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);

const GPT2_XL = {
  activation_function: "gelu_new",
  bos_token_id: 50256,
  eos_token_id: 50256,
  layer_norm_epsilon: 1e-5,
  model_type: "gpt2",
  n_ctx: 1024,
  n_embd: 1600,
  n_head: 25,
  n_layer: 48,
  n_positions: 1024,
  vocab_size: 50257,
};
const GPTJ_6B = {
  activation_function: "gelu_new",
  bos_token_id: 50256,
  eos_token_id: 50256,
  layer_norm_epsilon: 1e-5,
  model_type: "gptj",
  n_embd: 4096,
  n_head: 16,
  n_inner: null,
  n_layer: 28,
  n_positions: 2048,
  rotary_dim: 64,
  tie_word_embeddings: false,
  vocab_size: 50400,
};
const LLAMA3_8B = {
  attention_bias: false,
  bos_token_id: 128000,
  eos_token_id: 128001,
  hidden_act: "silu",
  hidden_size: 4096,
  intermediate_size: 14336,
  max_position_embeddings: 8192,
  model_type: "llama",
  num_attention_heads: 32,
  num_hidden_layers: 32,
  num_key_value_heads: 8,
  rms_norm_eps: 1e-5,
  rope_scaling: null,
  rope_theta: 500000.0,
  tie_word_embeddings: false,
  vocab_size: 128256,
};

test("GPT-2 XL: n_inner defaults to 4·n_embd, embeddings tied by default", () => {
  assert.deepEqual(parseModelConfig(GPT2_XL, "gpt2-xl/config.json"), {
    arch: "gpt2",
    vocabSize: 50257,
    hiddenSize: 1600,
    numLayers: 48,
    numHeads: 25,
    intermediateSize: 6400,
    maxPositions: 1024,
    tieWordEmbeddings: true,
    layerNormEpsilon: 1e-5,
    bosTokenId: 50256,
    eosTokenId: 50256,
  });
});

test("GPT-2 configs with only n_ctx take it as the position count", () => {
  const config = parseModelConfig({ ...GPT2_XL, n_positions: null, n_ctx: 512 }, "old/config.json");
  assert.equal(config.maxPositions, 512);
});

test("GPT-J 6B: rotary_dim, untied head; rotary_dim null means the whole head", () => {
  const config = parseModelConfig(GPTJ_6B, "gpt-j-6b/config.json");
  assert.equal(config.arch, "gptj");
  assert.ok(config.arch === "gptj" && config.rotaryDim === 64 && config.intermediateSize === 16384);
  assert.equal(config.tieWordEmbeddings, false);
  const wholeHead = parseModelConfig({ ...GPTJ_6B, rotary_dim: null }, "c.json");
  assert.ok(wholeHead.arch === "gptj" && wholeHead.rotaryDim === 256);
});

test("Llama 3 8B (GQA) and Llama 3.1 (llama3 rope scaling, several eos ids)", () => {
  assert.deepEqual(parseModelConfig(JSON.stringify(LLAMA3_8B), "llama3/config.json"), {
    arch: "llama",
    vocabSize: 128256,
    hiddenSize: 4096,
    numLayers: 32,
    numHeads: 32,
    intermediateSize: 14336,
    maxPositions: 8192,
    tieWordEmbeddings: false,
    numKeyValueHeads: 8,
    headDim: 128,
    rmsNormEps: 1e-5,
    ropeTheta: 500000,
    ropeScaling: null,
    attentionBias: false,
    mlpBias: false,
    family: "llama",
    qkvBias: false,
    qkNorm: false,
    slidingWindow: null,
    bosTokenId: 128000,
    eosTokenId: 128001,
  });
  const llama31 = {
    ...LLAMA3_8B,
    eos_token_id: [128001, 128008, 128009],
    max_position_embeddings: 131072,
    rope_scaling: {
      factor: 8.0,
      low_freq_factor: 1.0,
      high_freq_factor: 4.0,
      original_max_position_embeddings: 8192,
      rope_type: "llama3",
    },
  };
  const config = parseModelConfig(llama31, "llama31/config.json");
  assert.ok(config.arch === "llama");
  assert.deepEqual(config.ropeScaling, {
    type: "llama3",
    factor: 8,
    lowFreqFactor: 1,
    highFreqFactor: 4,
    originalMaxPositions: 8192,
  });
  assert.equal(config.eosTokenId, 128001);
});

test("Llama defaults: kv heads, head_dim, rope_theta; linear scaling under either key; explicit head_dim", () => {
  const minimal = {
    model_type: "llama",
    hidden_size: 64,
    intermediate_size: 128,
    num_hidden_layers: 2,
    num_attention_heads: 4,
    max_position_embeddings: 128,
    vocab_size: 100,
    rope_scaling: { type: "linear", factor: 2 },
  };
  const config = parseModelConfig(minimal, "tiny/config.json");
  assert.ok(config.arch === "llama");
  assert.equal(config.numKeyValueHeads, 4);
  assert.equal(config.headDim, 16);
  assert.equal(config.ropeTheta, 10000);
  assert.equal(config.rmsNormEps, 1e-6);
  assert.deepEqual(config.ropeScaling, { type: "linear", factor: 2 });
  const renamed = parseModelConfig({ ...minimal, rope_scaling: { rope_type: "linear", factor: 4 } }, "c");
  assert.ok(renamed.arch === "llama" && renamed.ropeScaling?.factor === 4);
  const defaultRope = parseModelConfig({ ...minimal, rope_scaling: { rope_type: "default" } }, "c");
  assert.ok(defaultRope.arch === "llama" && defaultRope.ropeScaling === null);
  const explicit = parseModelConfig({ ...minimal, hidden_size: 60, head_dim: 32, mlp_bias: true }, "c");
  assert.ok(explicit.arch === "llama" && explicit.headDim === 32 && explicit.mlpBias);
});

test("Mistral maps to the llama block with its sliding window (transformers' default 4096; null: none)", () => {
  const mistral = {
    ...LLAMA3_8B,
    model_type: "mistral",
    max_position_embeddings: 32768,
    sliding_window: 4096,
    vocab_size: 32000,
  };
  const config = parseModelConfig(mistral, "mistral/config.json");
  assert.ok(config.arch === "llama" && config.family === "mistral" && config.slidingWindow === 4096);
  assert.equal(config.maxPositions, 32768);
  const noWindow = parseModelConfig({ ...mistral, sliding_window: null }, "c");
  assert.ok(noWindow.arch === "llama" && noWindow.slidingWindow === null);
  const { sliding_window: _absent, ...absent } = mistral;
  const defaulted = parseModelConfig(absent, "c");
  assert.ok(defaulted.arch === "llama" && defaulted.slidingWindow === 4096);
});

test("readModelConfig reads <dir>/config.json and reports a missing file", () => {
  const dir = join(temp.dir, "gpt2");
  mkdirSync(dir);
  writeFileSync(join(dir, "config.json"), JSON.stringify(GPT2_XL, null, 2));
  assert.equal(readModelConfig(dir).hiddenSize, 1600);
  const message = errorMessage(() => readModelConfig(join(temp.dir, "absent")));
  assert.match(message, /absent[/\\]config\.json: not found/);
  writeFileSync(join(dir, "config.json"), '{\n  "model_type": "gpt2",\n  "n_embd": 1600,,\n}');
  assert.match(
    errorMessage(() => readModelConfig(dir)),
    /gpt2[/\\]config\.json: invalid JSON at line 3, column 18/,
  );
});

test("errors name the file and field: missing, wrong type, unknown values, inconsistent sizes", () => {
  const { n_layer: _dropped, ...gpt2WithoutLayers } = GPT2_XL;
  const llama31Scaling = { rope_type: "llama3", factor: 8, low_freq_factor: 4, high_freq_factor: 1 };
  const cases: [unknown, RegExp][] = [
    ["[1]", /^f\.json: expected a JSON object, got \[1\]/],
    [
      { n_embd: 8 },
      /missing field "model_type" \(expected one of gpt2, gptj, gpt_neox, llama, mistral, qwen2, qwen3\)/,
    ],
    [
      { model_type: "bert" },
      /field "model_type" must be one of "gpt2", "gptj", "gpt_neox", "llama", "mistral", "qwen2", "qwen3", got "bert"/,
    ],
    [gpt2WithoutLayers, /^f\.json: missing field "n_layer" \(expected an integer ≥ 1\)/],
    [{ ...GPT2_XL, n_positions: undefined, n_ctx: undefined }, /missing field "n_positions"/],
    [{ ...GPT2_XL, n_embd: "1600" }, /field "n_embd" must be an integer ≥ 1, got "1600"/],
    [{ ...GPT2_XL, n_head: 0 }, /field "n_head" must be an integer ≥ 1, got 0/],
    [{ ...GPT2_XL, n_layer: 2.5 }, /field "n_layer" must be an integer ≥ 1, got 2.5/],
    [{ ...GPT2_XL, n_head: 24 }, /field "n_embd" = 1600 must be divisible by n_head = 24/],
    [
      { ...GPT2_XL, activation_function: "relu" },
      /field "activation_function" must be one of "gelu_new", "gelu_pytorch_tanh", got "relu"/,
    ],
    [{ ...GPT2_XL, layer_norm_epsilon: -1 }, /field "layer_norm_epsilon" must be a positive number/],
    [{ ...GPT2_XL, tie_word_embeddings: "yes" }, /field "tie_word_embeddings" must be a boolean/],
    [
      { ...GPT2_XL, scale_attn_by_inverse_layer_idx: true },
      /scale_attn_by_inverse_layer_idx" = true is not supported/,
    ],
    [{ ...GPT2_XL, eos_token_id: "x" }, /field "eos_token_id" must be a non-negative integer or a list/],
    [{ ...GPTJ_6B, rotary_dim: 300 }, /field "rotary_dim" = 300 must be even and at most the head dim 256/],
    [{ ...GPTJ_6B, rotary_dim: 63 }, /field "rotary_dim" = 63 must be even/],
    [
      { ...LLAMA3_8B, num_key_value_heads: 5 },
      /field "num_attention_heads" = 32 must be divisible by num_key_value_heads = 5/,
    ],
    [
      { ...LLAMA3_8B, num_attention_heads: 30, num_key_value_heads: 10 },
      /field "hidden_size" = 4096 must be divisible by num_attention_heads = 30/,
    ],
    [{ ...LLAMA3_8B, head_dim: 127 }, /field "head_dim" = 127 must be even/],
    [{ ...LLAMA3_8B, hidden_act: "gelu" }, /field "hidden_act" must be one of "silu", got "gelu"/],
    [{ ...LLAMA3_8B, intermediate_size: -5 }, /field "intermediate_size" must be an integer ≥ 1, got -5/],
    [{ ...LLAMA3_8B, attention_bias: 1 }, /field "attention_bias" must be a boolean, got 1/],
    [
      { ...LLAMA3_8B, rope_scaling: { rope_type: "yarn", factor: 4 } },
      /field "rope_scaling" type "yarn" is not supported/,
    ],
    [{ ...LLAMA3_8B, rope_scaling: { factor: 4 } }, /rope_scaling: missing field "type"/],
    [{ ...LLAMA3_8B, rope_scaling: { type: "linear" } }, /^f\.json: rope_scaling: missing field "factor"/],
    [{ ...LLAMA3_8B, rope_scaling: 2 }, /field "rope_scaling" must be null or an object, got 2/],
    [
      { ...LLAMA3_8B, rope_scaling: llama31Scaling },
      /field "high_freq_factor" = 1 must exceed low_freq_factor = 4/,
    ],
    [
      { ...LLAMA3_8B, rope_scaling: { ...llama31Scaling, high_freq_factor: 8 } },
      /missing field "original_max_position_embeddings"/,
    ],
  ];
  for (const [json, pattern] of cases) {
    const message = errorMessage(() => parseModelConfig(json, "f.json"));
    assert.ok(message.startsWith("f.json: "), message);
    assert.match(message, pattern);
  }
});
