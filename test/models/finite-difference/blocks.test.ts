// Finite-difference checks of each block's backward on random weights and a left/right-padded
// batch: dx, the gradient of every parameter of the block (by name), and the site gradients
// dAttnOut / dMlpOut, checked by perturbing a delta added at that site through a DeltaHook.
import { describe, it } from "node:test";
import type { GptjConfig, GptNeoxConfig, Gpt2Config, LlamaConfig, ModelConfig } from "../../../src/models/config.js";
import { GptNeoxBlock } from "../../../src/models/gpt-neox/block.js";
import { architectureFor } from "../../../src/models/architecture.js";
import { Gpt2Block } from "../../../src/models/gpt2/block.js";
import { GptjBlock } from "../../../src/models/gptj/block.js";
import { RopeTable } from "../../../src/models/layers/rope.js";
import { LlamaBlock } from "../../../src/models/llama/block.js";
import type { Block, DeltaHook, DeltaSite, ParamLookup } from "../../../src/models/types.js";
import { createRng } from "../../../src/util/random.js";
import {
  checkGradient,
  lookupIn,
  PADDED_MASK,
  paddedBatch,
  project,
  randn,
  randomParams,
  zeroGrads,
} from "../fd-helpers.js";

const gpt2: Gpt2Config = {
  arch: "gpt2",
  vocabSize: 23,
  hiddenSize: 8,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 16,
  maxPositions: 16,
  tieWordEmbeddings: false,
  layerNormEpsilon: 1e-5,
};
const gptj: GptjConfig = {
  arch: "gptj",
  vocabSize: 23,
  hiddenSize: 12,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 20,
  maxPositions: 16,
  tieWordEmbeddings: false,
  rotaryDim: 4,
  layerNormEpsilon: 1e-5,
};
const llama: LlamaConfig = {
  arch: "llama",
  vocabSize: 37,
  hiddenSize: 16,
  numLayers: 2,
  numHeads: 4,
  numKeyValueHeads: 2,
  headDim: 4,
  intermediateSize: 24,
  maxPositions: 32,
  tieWordEmbeddings: false,
  rmsNormEps: 1e-6,
  ropeTheta: 10000,
  ropeScaling: null,
  attentionBias: false,
  mlpBias: false,
  family: "llama",
  qkvBias: false,
  qkNorm: false,
  slidingWindow: null,
};
const llamaBiased: LlamaConfig = {
  ...llama,
  hiddenSize: 12,
  numKeyValueHeads: 1,
  headDim: 6,
  attentionBias: true,
  mlpBias: true,
  ropeScaling: { type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositions: 8 },
};

const qwen2: LlamaConfig = { ...llama, family: "qwen2", qkvBias: true, tieWordEmbeddings: true };
const qwen3: LlamaConfig = { ...llama, family: "qwen3", headDim: 6, qkNorm: true };
const neox: GptNeoxConfig = {
  arch: "gpt_neox",
  vocabSize: 29,
  hiddenSize: 12,
  numLayers: 2,
  numHeads: 2,
  intermediateSize: 20,
  maxPositions: 16,
  tieWordEmbeddings: false,
  rotaryDim: 2,
  ropeTheta: 10000,
  layerNormEpsilon: 1e-5,
  parallelResidual: true,
  attentionBias: true,
  activation: "gelu",
};

/** Layer `layer` of the config's architecture, built directly from its block class. */
function makeBlock(config: ModelConfig, layer: number, params: ParamLookup): Block {
  switch (config.arch) {
    case "gpt2":
      return new Gpt2Block(layer, config, params);
    case "gptj":
      return new GptjBlock(layer, config, params, new RopeTable(config.rotaryDim, "interleaved", 10000));
    case "llama": {
      const rope = new RopeTable(config.headDim, "half", config.ropeTheta, config.ropeScaling);
      return new LlamaBlock(layer, config, params, rope);
    }
    case "gpt_neox":
      return new GptNeoxBlock(layer, config, params, new RopeTable(config.rotaryDim, "half", config.ropeTheta));
  }
}

const CASES: { name: string; config: ModelConfig; prefix: string }[] = [
  { name: "Gpt2Block", config: gpt2, prefix: "h.1." },
  { name: "GptjBlock", config: gptj, prefix: "transformer.h.1." },
  { name: "LlamaBlock (GQA)", config: llama, prefix: "model.layers.1." },
  { name: "LlamaBlock (biases, MQA, llama3 rope)", config: llamaBiased, prefix: "model.layers.1." },
  { name: "LlamaBlock as Qwen2 (q/k/v biases)", config: qwen2, prefix: "model.layers.1." },
  { name: "LlamaBlock as Qwen3 (q/k norm, head_dim 6 with 4 heads of C 16)", config: qwen3, prefix: "model.layers.1." },
  { name: "GptNeoxBlock (parallel, partial rotary, exact GELU)", config: neox, prefix: "gpt_neox.layers.1." },
  {
    name: "GptNeoxBlock (sequential, no attention bias, tanh GELU)",
    config: { ...neox, parallelResidual: false, attentionBias: false, activation: "gelu_tanh" },
    prefix: "gpt_neox.layers.1.",
  },
];

for (const [index, { name, config, prefix }] of CASES.entries()) {
  describe(`${name} backward`, () => {
    const rng = createRng(1000 + index);
    const layer = 1;
    const specs = architectureFor(config).specs;
    const params = randomParams(specs, rng);
    const block = makeBlock(config, layer, lookupIn(params));
    const batch = paddedBatch(rng, PADDED_MASK, config.vocabSize);
    const { T } = batch;
    const C = config.hiddenSize;
    const N = batch.B * T;
    // A delta at every site, at a real token of each row; the loss sees all of them.
    const at = (site: DeltaSite, row: number, position: number): DeltaHook => ({
      layer,
      site,
      row,
      position,
      vector: randn(rng, C, 0.3),
    });
    const deltas = [at("attn", 0, 3), at("attn", 1, 2), at("mlp", 0, 4), at("mlp", 1, 1), at("block", 1, 3)];
    const x = randn(rng, N * C); // (N, C) residual stream entering the block
    const r = randn(rng, N * C);
    const loss = () => project(block.forward(x, batch, deltas).out, r);
    const { grads, lookup } = zeroGrads(specs);
    const g = block.backward(r, block.forward(x, batch, deltas), batch, lookup);

    it("dx", () => {
      checkGradient(loss, x, g.dx, { name: "dx", rng, coords: 16 });
    });
    for (const d of deltas.filter((d) => d.site !== "block")) {
      it(`d${d.site === "attn" ? "AttnOut" : "MlpOut"} at row ${d.row}, position ${d.position}`, () => {
        const site = d.site === "attn" ? g.dAttnOut : g.dMlpOut;
        const off = (d.row * T + d.position) * C;
        checkGradient(loss, d.vector, site.subarray(off, off + C), {
          name: `${d.site} delta`,
          rng,
          coords: C,
        });
      });
    }
    for (const spec of specs.filter((s) => s.name.startsWith(prefix))) {
      it(`d ${spec.name}`, () => {
        checkGradient(loss, params.get(spec.name)!, grads.get(spec.name)!, {
          name: spec.name,
          rng,
          coords: 8,
        });
      });
    }
  });
}
