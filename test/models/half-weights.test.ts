// Weights kept in their stored 16-bit dtype (layers/weight.ts) compute what the same weights
// widened to float32 compute: tiny F16 and BF16 checkpoints of each layout (GPT-2: Conv1D, tied
// head, learned positions; GPT-J; Llama with a tied head; Qwen3: per-head q/k norms; GPT-NeoX:
// fused per-head qkv), loaded as stored and loaded widened (`dtype: "float32"`), give the same
// logits, hidden states, keys, delta-site gradients and parameter gradients up to float32 rounding.
// Tolerance: both runs use the same float32 kernels on the same values and differ only in the
// summation order inside the GEMMs (panels); that changes a result by a few ε₃₂ per GEMM relative
// to Σ|a·b|, compounded over ≤ 4 layers: relative 2e-5. (At these sizes one panel holds a whole
// matrix, so the results are even bit-identical; test/native/half.test.ts covers many panels.)
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { HalfTensor } from "../../src/models/layers/weight.js";
import { loadModel } from "../../src/models/load.js";
import { saveModel } from "../../src/models/save.js";
import type { CausalLM } from "../../src/models/causal-lm.js";
import { crossEntropy } from "../../src/runtime/loss.js";
import { fixtureDir, goldenBatch, readGolden, relativeError } from "./golden-helpers.js";

const TOLERANCE = 2e-5;
const MODELS = ["gpt2-tiny", "gptj-tiny", "llama-tiny-tied-rope3", "qwen3-tiny", "gpt-neox-tiny"];
const tmp = mkdtempSync(join(tmpdir(), "locedit-half-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function gradientBuffers(model: CausalLM): Map<string, Float32Array> {
  const grads = new Map<string, Float32Array>();
  for (const spec of model.specs) if (!spec.tiedTo) grads.set(spec.name, new Float32Array(model.weight(spec.name).length));
  for (const spec of model.specs) if (spec.tiedTo) grads.set(spec.name, grads.get(spec.tiedTo)!);
  return grads;
}

/** Forward with a delta at every site of the golden layer, and the backward of the next-token loss. */
function run(model: CausalLM, name: string) {
  const { inputs } = readGolden(name);
  const batch = goldenBatch(inputs);
  const C = model.config.hiddenSize;
  const deltas = (["block", "mlp", "attn"] as const).map((site, i) => ({
    layer: inputs.delta_layer,
    site,
    row: 0,
    position: inputs.delta_positions[0],
    vector: Float32Array.from({ length: C }, (_, c) => 0.01 * Math.sin(c + i)),
  }));
  const positions = inputs.target_positions.flatMap((ps, row) => ps.map((position) => ({ row, position })));
  const trace = model.forward(batch, { deltas, logits: positions, keepActivations: true });
  const ce = crossEntropy(trace.logits, model.config.vocabSize, inputs.target_ids.flat());
  const grads = gradientBuffers(model);
  const { dOut } = model.backward(trace, ce.dlogits, { downTo: inputs.delta_layer, through: false });
  const full = model.backward(trace, ce.dlogits, { downTo: 0, grads: (n) => grads.get(n)! });
  return { trace, dOut, dx: full.block!.dx, grads };
}

for (const name of MODELS)
  for (const dtype of ["F16", "BF16"] as const) {
    describe(`${name} kept in ${dtype}`, () => {
      const dir = join(tmp, `${name}-${dtype}`);
      saveModel(loadModel(fixtureDir(name)), dir, { dtype });
      const half = loadModel(dir);
      const wide = loadModel(dir, { dtype: "float32" });

      it("every parameter stays 16-bit in memory and widens to the float32-loaded values exactly", () => {
        for (const spec of half.specs) {
          const w = half.weight(spec.name);
          assert.ok(w instanceof HalfTensor && w.dtype === dtype, `${spec.name} is not kept as ${dtype}`);
          assert.deepEqual(w.toFloat32(), wide.weight(spec.name), spec.name);
        }
      });

      const ours = run(half, name);
      const ref = run(wide, name);
      const C = half.config.hiddenSize;
      const pairs: [string, Float32Array, Float32Array, number][] = [
        ["logits", ours.trace.logits, ref.trace.logits, half.config.vocabSize],
        ["dOut at the delta layer", ours.dOut, ref.dOut, C],
        ["dx at layer 0", ours.dx, ref.dx, C],
      ];
      for (let l = 0; l < half.numLayers; l++) {
        pairs.push([`hidden.${l}`, ours.trace.layers[l]!.out, ref.trace.layers[l]!.out, C]);
        pairs.push([`key.${l}`, ours.trace.layers[l]!.key, ref.trace.layers[l]!.key, half.config.intermediateSize]);
      }
      it("logits, hidden states, keys and activation gradients match the widened model", () => {
        for (const [label, a, b, width] of pairs) {
          const err = relativeError(a, b, width);
          assert.ok(err <= TOLERANCE, `${label}: relative error ${err}`);
        }
      });
      it("parameter gradients match the widened model", () => {
        for (const [param, g] of ours.grads) {
          const err = relativeError(g, ref.grads.get(param)!, 1);
          assert.ok(err <= TOLERANCE, `grad of ${param}: relative error ${err}`);
        }
      });
    });
  }

describe("param() on a 16-bit weight", () => {
  const dir = join(tmp, "gpt2-promote");
  saveModel(loadModel(fixtureDir("gpt2-tiny")), dir, { dtype: "BF16" });

  it("widens it exactly, holds it in float32 from then on, and marks it handed out", () => {
    const model = loadModel(dir);
    const name = "h.1.mlp.c_proj.weight";
    const before = (model.weight(name) as HalfTensor).toFloat32();
    const w = model.param(name);
    assert.deepEqual(w, before);
    assert.equal(model.weight(name), w, "the float32 array is what the model now computes with");
    assert.ok(model.handedOut.has(name));
    w[0] += 1e-3; // a change far below bfloat16's resolution of w[0] survives in float32
    assert.equal(model.weight(name), w);
  });

  it("keeps a tied LM head sharing the embedding", () => {
    const model = loadModel(dir);
    const wte = model.param("wte.weight");
    assert.equal(model.weight("lm_head.weight"), wte);
    assert.ok(model.handedOut.has("lm_head.weight") && model.handedOut.has("wte.weight"));
  });
});
