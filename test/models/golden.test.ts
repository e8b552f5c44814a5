// Golden tests: logits, hidden states, MLP keys, delta gradients at the three edit sites and
// every parameter gradient, against an independent PyTorch implementation
// (scripts/golden/make_model_goldens.py → test/fixtures/models/*). Tolerance: relative 1e-4.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadModel } from "../../src/models/load.js";
import { toStoredLayout } from "../../src/models/param-spec.js";
import type { DeltaSite } from "../../src/models/types.js";
import { crossEntropy } from "../../src/runtime/loss.js";
import { fixtureDir, goldenBatch, readGolden, relativeError } from "./golden-helpers.js";

const TOLERANCE = 1e-4;
const MODELS = [
  "gpt2-tiny",
  "gptj-tiny",
  "llama-tiny",
  "llama-tiny-tied-rope3",
  "qwen2-tiny",
  "qwen3-tiny",
  "mistral-tiny",
  "gpt-neox-tiny",
  "gpt-neox-tiny-sequential",
];
const SITES: DeltaSite[] = ["block", "mlp", "attn"];

for (const name of [...MODELS, "llama-tiny-f16"]) {
  describe(`${name} forward`, () => {
    const model = loadModel(fixtureDir(name));
    const { inputs, tensors } = readGolden(name);
    const batch = goldenBatch(inputs);
    const C = model.config.hiddenSize;
    const real = (row: number) => batch.mask[row] === 1;
    const trace = model.forward(batch, { captureLayers: [...Array(model.numLayers).keys()] });

    it("logits at real tokens", () => {
      const err = relativeError(trace.logits, tensors.readFloat32("logits"), model.config.vocabSize, real);
      assert.ok(err <= TOLERANCE, `logits relative error ${err}`);
    });
    it("block outputs and MLP keys at every layer", () => {
      for (let l = 0; l < model.numLayers; l++) {
        const layer = trace.layers[l]!;
        const hErr = relativeError(layer.out, tensors.readFloat32(`hidden.${l}`), C, real);
        assert.ok(hErr <= TOLERANCE, `hidden.${l} relative error ${hErr}`);
        const kErr = relativeError(
          layer.key,
          tensors.readFloat32(`key.${l}`),
          model.config.intermediateSize,
          real,
        );
        assert.ok(kErr <= TOLERANCE, `key.${l} relative error ${kErr}`);
      }
    });
  });
}

for (const name of MODELS) {
  describe(`${name} backward`, () => {
    const model = loadModel(fixtureDir(name));
    const { inputs, tensors } = readGolden(name);
    const batch = goldenBatch(inputs);
    const C = model.config.hiddenSize;
    const V = model.config.vocabSize;
    const layer = inputs.delta_layer;

    for (const site of SITES) {
      it(`delta gradient at the ${site} site of layer ${layer}`, () => {
        const deltaRows = tensors.readFloat32(`delta.${site}`);
        const deltas = inputs.delta_positions.map((position, row) => ({
          layer,
          site,
          row,
          position,
          vector: deltaRows.subarray(row * C, row * C + C),
        }));
        const positions = inputs.target_positions.flatMap((ps, row) =>
          ps.map((position) => ({ row, position })),
        );
        const trace = model.forward(batch, { deltas, logits: positions, keepActivations: true });
        const ce = crossEntropy(trace.logits, V, inputs.target_ids.flat());
        assert.ok(Math.abs(ce.loss - inputs.delta_loss[site]) <= 1e-4 * Math.abs(inputs.delta_loss[site]));
        const { dOut, block } = model.backward(trace, ce.dlogits, {
          downTo: layer,
          through: site !== "block",
        });
        const siteGrad = site === "block" ? dOut : site === "mlp" ? block!.dMlpOut : block!.dAttnOut;
        const ours = new Float32Array(batch.B * C);
        inputs.delta_positions.forEach((position, row) =>
          ours.set(
            siteGrad.subarray((row * batch.T + position) * C, (row * batch.T + position + 1) * C),
            row * C,
          ),
        );
        const err = relativeError(ours, tensors.readFloat32(`delta_grad.${site}`), C);
        assert.ok(err <= TOLERANCE, `delta_grad.${site} relative error ${err}`);
      });
    }

    it("full backward: every parameter gradient of the mean next-token loss", () => {
      const positions: { row: number; position: number }[] = [];
      const targets: number[] = [];
      for (let b = 0; b < batch.B; b++)
        for (let t = 0; t + 1 < batch.T; t++)
          if (batch.mask[b * batch.T + t] && batch.mask[b * batch.T + t + 1]) {
            positions.push({ row: b, position: t });
            targets.push(batch.ids[b * batch.T + t + 1]);
          }
      const trace = model.forward(batch, { logits: positions, keepActivations: true });
      const ce = crossEntropy(
        trace.logits,
        V,
        targets,
        new Float64Array(targets.length).fill(1 / targets.length),
      );
      assert.ok(Math.abs(ce.loss - inputs.train_loss) <= 1e-5 * inputs.train_loss, `loss ${ce.loss}`);
      const grads = new Map<string, Float32Array>();
      for (const spec of model.specs)
        if (!spec.tiedTo) grads.set(spec.name, new Float32Array(model.weight(spec.name).length));
      for (const spec of model.specs) if (spec.tiedTo) grads.set(spec.name, grads.get(spec.tiedTo)!);
      model.backward(trace, ce.dlogits, { downTo: 0, grads: (n) => grads.get(n)! });
      const fileName = (canonical: string) =>
        tensors.has(`grad.${canonical}`) ? canonical : `transformer.${canonical}`;
      for (const spec of model.specs) {
        if (spec.tiedTo) continue;
        let ours = grads.get(spec.name)!;
        ours = toStoredLayout(spec, ours); // Conv1D transposed, GPT-NeoX qkv rows per head
        const ref = tensors.readFloat32(`grad.${fileName(spec.name)}`);
        const err = relativeError(ours, ref, 1);
        assert.ok(err <= TOLERANCE, `grad of ${spec.name}: relative error ${err}`);
      }
    });
  });
}
