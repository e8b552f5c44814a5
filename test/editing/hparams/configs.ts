// Model configurations for the hyperparameter tests: the shipped models' shapes and small ones,
// built directly (no config.json needed).
import type { Gpt2Config, GptjConfig, LlamaConfig, ModelConfig } from "../../../src/models/config.js";

const common = { vocabSize: 50257, maxPositions: 1024, tieWordEmbeddings: true };

export function gpt2(numLayers: number, hiddenSize: number): Gpt2Config {
  return {
    ...common,
    arch: "gpt2",
    numLayers,
    hiddenSize,
    numHeads: 4,
    intermediateSize: 4 * hiddenSize,
    layerNormEpsilon: 1e-5,
  };
}

export const GPT2_XL: Gpt2Config = gpt2(48, 1600);

export const GPT_J: GptjConfig = {
  ...common,
  arch: "gptj",
  vocabSize: 50400,
  numLayers: 28,
  hiddenSize: 4096,
  numHeads: 16,
  intermediateSize: 16384,
  rotaryDim: 64,
  layerNormEpsilon: 1e-5,
  tieWordEmbeddings: false,
};

export function llama(vocabSize: number, intermediateSize: number): LlamaConfig {
  return {
    ...common,
    arch: "llama",
    vocabSize,
    numLayers: 32,
    hiddenSize: 4096,
    numHeads: 32,
    intermediateSize,
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
    tieWordEmbeddings: false,
  };
}

export const LLAMA3_8B: LlamaConfig = llama(128256, 14336);

export const LLAMA32_3B: LlamaConfig = {
  ...llama(128256, 8192),
  numLayers: 28,
  hiddenSize: 3072,
  numHeads: 24,
  tieWordEmbeddings: true,
};

export const QWEN25_7B: LlamaConfig = {
  ...llama(152064, 18944),
  family: "qwen2",
  qkvBias: true,
  numLayers: 28,
  hiddenSize: 3584,
  numHeads: 28,
  numKeyValueHeads: 4,
};

export const MISTRAL_7B: LlamaConfig = { ...llama(32000, 14336), family: "mistral", slidingWindow: 4096 };

/** The bundled tiny-facts model's shape: 4 layers of width 128. */
export const TINY: ModelConfig = gpt2(4, 128);
