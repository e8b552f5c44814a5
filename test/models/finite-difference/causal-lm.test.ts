// End-to-end finite-difference checks of CausalLM.backward on small random models of each
// architecture, with crossEntropy over a few logit positions as the loss and a batch with left
// and right padding (position ids cumsum(mask) − 1, clamped at 0):
//  - the gradient at a delta of the "block" site of a middle layer (backward's dOut with
//    through: false), and at its "attn" and "mlp" sites (through: true);
//  - every parameter gradient of the full backward: embeddings, blocks, final norm, LM head
//    (tied to the embedding, sharing one gradient buffer, or with GPT-J's bias).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CausalLM, type LogitPosition } from "../../../src/models/causal-lm.js";
import type { ModelConfig } from "../../../src/models/config.js";
import type { DeltaHook, DeltaSite } from "../../../src/models/types.js";
import { crossEntropy } from "../../../src/runtime/loss.js";
import { architectureFor } from "../../../src/models/architecture.js";
import { createRng } from "../../../src/util/random.js";
import { checkGradient, PADDED_MASK, paddedBatch, randn, randomParams, zeroGrads } from "../fd-helpers.js";

const llama: ModelConfig = {
  arch: "llama",
  vocabSize: 37,
  hiddenSize: 16,
  numLayers: 3,
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

const CONFIGS: { name: string; config: ModelConfig }[] = [
  {
    name: "gpt2, tied LM head",
    config: {
      arch: "gpt2",
      vocabSize: 29,
      hiddenSize: 12,
      numLayers: 3,
      numHeads: 3,
      intermediateSize: 24,
      maxPositions: 16,
      tieWordEmbeddings: true,
      layerNormEpsilon: 1e-5,
    },
  },
  {
    name: "gptj, LM head bias",
    config: {
      arch: "gptj",
      vocabSize: 31,
      hiddenSize: 16,
      numLayers: 3,
      numHeads: 2,
      intermediateSize: 24,
      maxPositions: 16,
      tieWordEmbeddings: false,
      rotaryDim: 4,
      layerNormEpsilon: 1e-5,
    },
  },
  { name: "llama, GQA", config: llama },
  {
    name: "llama, tied LM head, llama3 rope",
    config: {
      ...llama,
      tieWordEmbeddings: true,
      ropeScaling: {
        type: "llama3",
        factor: 8,
        lowFreqFactor: 1,
        highFreqFactor: 4,
        originalMaxPositions: 8,
      },
    },
  },
  { name: "qwen3 (q/k norm), tied", config: { ...llama, family: "qwen3", qkNorm: true, headDim: 6, tieWordEmbeddings: true } },
  {
    name: "gpt_neox (parallel, partial rotary)",
    config: {
      arch: "gpt_neox",
      vocabSize: 31,
      hiddenSize: 16,
      numLayers: 3,
      numHeads: 2,
      intermediateSize: 24,
      maxPositions: 16,
      tieWordEmbeddings: false,
      rotaryDim: 4,
      ropeTheta: 10000,
      layerNormEpsilon: 1e-5,
      parallelResidual: true,
      attentionBias: true,
      activation: "gelu",
    },
  },
];

// Real tokens of both rows, and one right-padding position (row 1, position 5).
const LOGITS: LogitPosition[] = [
  { row: 0, position: 5 },
  { row: 0, position: 3 },
  { row: 1, position: 1 },
  { row: 1, position: 3 },
  { row: 1, position: 5 },
];
const ROW_WEIGHTS = [1, 0.5, 1, 2, 1];
const MIDDLE = 1;

for (const [index, { name, config }] of CONFIGS.entries()) {
  describe(`CausalLM backward, ${name}`, () => {
    const rng = createRng(1100 + index);
    const arch = architectureFor(config);
    const model = new CausalLM(config, randomParams(arch.specs, rng));
    const batch = paddedBatch(rng, PADDED_MASK, config.vocabSize);
    const C = config.hiddenSize;
    const V = config.vocabSize;
    const T = batch.T;
    const targets = LOGITS.map(() => rng.int(V));
    const at = (site: DeltaSite, row: number, position: number): DeltaHook => ({
      layer: MIDDLE,
      site,
      row,
      position,
      vector: randn(rng, C, 0.2),
    });
    const deltas = [at("block", 0, 4), at("block", 1, 2), at("attn", 0, 3), at("mlp", 1, 1)];
    const loss = () => {
      const trace = model.forward(batch, { deltas, logits: LOGITS });
      return crossEntropy(trace.logits, V, targets, ROW_WEIGHTS).loss;
    };
    const trace = model.forward(batch, { deltas, logits: LOGITS, keepActivations: true });
    const { dlogits } = crossEntropy(trace.logits, V, targets, ROW_WEIGHTS);
    const { grads, lookup } = zeroGrads(arch.specs);
    model.backward(trace, dlogits, { grads: lookup });
    const toBlock = model.backward(trace, dlogits, { downTo: MIDDLE, through: false });
    const throughBlock = model.backward(trace, dlogits, { downTo: MIDDLE });

    for (const d of deltas) {
      it(`delta gradient at the ${d.site} site of layer ${MIDDLE}, row ${d.row}, position ${d.position}`, () => {
        const site =
          d.site === "block"
            ? toBlock.dOut
            : d.site === "attn"
              ? throughBlock.block!.dAttnOut
              : throughBlock.block!.dMlpOut;
        const off = (d.row * T + d.position) * C;
        checkGradient(loss, d.vector, site.subarray(off, off + C), {
          name: `${d.site} delta`,
          rng,
          coords: C,
        });
      });
    }

    if (config.tieWordEmbeddings)
      it("a tied LM head shares the embedding array and its gradient buffer", () => {
        assert.equal(model.param("lm_head.weight"), model.param(arch.embedding.tokens));
        assert.equal(grads.get("lm_head.weight"), grads.get(arch.embedding.tokens));
      });

    // Embedding tables: two columns of every row the batch reads (most rows get no gradient, so a
    // row the backward forgot would hide from a sample); other parameters: a sample of 6.
    const rowsRead = (rows: Int32Array) =>
      [...new Set(rows)].flatMap((r) => [r * C + rng.int(C), r * C + rng.int(C)]);
    const coordsFor = (name: string) =>
      name === arch.embedding.tokens
        ? rowsRead(batch.ids)
        : name === arch.embedding.positions
          ? rowsRead(batch.positions)
          : 6;
    for (const spec of arch.specs) {
      if (spec.tiedTo) continue; // checked through the parameter it shares
      it(`d ${spec.name}`, () => {
        const coords = coordsFor(spec.name);
        checkGradient(loss, model.param(spec.name), grads.get(spec.name)!, { name: spec.name, rng, coords });
      });
    }
  });
}
