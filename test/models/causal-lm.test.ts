// CausalLM's contract beyond the goldens: starting from a cached hidden state gives the same
// result as the full forward, selective logits are rows of the full logits, partial activation
// keeping, and clear errors for impossible requests.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadModel } from "../../src/models/load.js";
import { makeBatch } from "../../src/runtime/batch.js";
import { crossEntropy } from "../../src/runtime/loss.js";
import { fixtureDir } from "./golden-helpers.js";

for (const name of ["gpt2-tiny", "gptj-tiny", "llama-tiny", "qwen3-tiny", "gpt-neox-tiny"]) {
  describe(`CausalLM on ${name}`, () => {
    const model = loadModel(fixtureDir(name));
    const V = model.config.vocabSize;
    const batch = makeBatch([[5, 17, 33, 2, 9, 60], [7, 8, 99]]);
    const full = model.forward(batch, { captureLayers: [0, 1, 2] });

    it("forward from layer 2 with the cached residual stream equals the full forward", () => {
      const resumed = model.forward(batch, { start: { layer: 2, hidden: full.layers[1]!.out } });
      assert.deepEqual(resumed.logits, full.logits);
    });

    it("logits at chosen positions are the rows of the full logits", () => {
      const picks = [
        { row: 1, position: 2 },
        { row: 0, position: 0 },
        { row: 0, position: 5 },
      ];
      const some = model.forward(batch, { logits: picks });
      picks.forEach(({ row, position }, m) => {
        const r = row * batch.T + position;
        const ours = some.logits.subarray(m * V, (m + 1) * V);
        const ref = full.logits.subarray(r * V, (r + 1) * V);
        // the head runs as a GEMM of 3 rows instead of 12: float32 rounding in another blocking, a few
        // ulps of the row's largest logit (measured ≤ 2 under five OpenBLAS kernels); allow 16
        const tolerance = 16 * 2 ** -23 * Math.max(...ref.map(Math.abs));
        for (let v = 0; v < V; v++) assert.ok(Math.abs(ours[v] - ref[v]) <= tolerance, `logit ${v}`);
      });
    });

    it("endLayer stops early without logits; logits: none skips the head", () => {
      const partial = model.forward(batch, { endLayer: 2, captureLayers: [1] });
      assert.equal(partial.logits.length, 0);
      assert.deepEqual(partial.hidden, full.layers[1]!.out);
      assert.equal(model.forward(batch, { logits: "none" }).logits.length, 0);
    });

    it("keeping activations from a layer up is enough for a backward to that layer", () => {
      const at = [{ row: 0, position: 5 }];
      const target = [3];
      const all = model.forward(batch, { logits: at, keepActivations: true });
      const upper = model.forward(batch, { logits: at, keepActivations: { fromLayer: 1 } });
      const g1 = model.backward(all, crossEntropy(all.logits, V, target).dlogits, { downTo: 1 });
      const g2 = model.backward(upper, crossEntropy(upper.logits, V, target).dlogits, { downTo: 1 });
      assert.deepEqual(g2.dOut, g1.dOut);
      assert.deepEqual(g2.block!.dx, g1.block!.dx);
      assert.equal(upper.layers[0], undefined);
      assert.throws(
        () => model.backward(upper, crossEntropy(upper.logits, V, target).dlogits, { downTo: 0 }),
        /layer 0 activations were not kept/,
      );
    });

    it("impossible requests are clear errors", () => {
      assert.throws(() => model.forward(batch, { endLayer: 9 }), /layer range \[0, 9\) is not within the model's 3 layers/);
      assert.throws(() => model.forward(batch, { logits: [{ row: 2, position: 0 }] }), /outside the 2×6 batch/);
      assert.throws(() => model.forward(makeBatch([[V + 4]])), new RegExp(`token id ${V + 4} is outside the vocabulary`));
      const noLogits = model.forward(batch, { logits: "none", keepActivations: true });
      assert.throws(() => model.backward(noLogits, new Float32Array(0)), /computed logits/);
      const upper = model.forward(batch, { start: { layer: 1, hidden: full.layers[0]!.out }, keepActivations: true });
      assert.throws(
        () => model.backward(upper, new Float32Array(upper.logits.length), { downTo: 0 }),
        /cannot backpropagate to layer 0: the trace ran layers \[1, 3\)/,
      );
    });
  });
}

describe("GPT-2 positions", () => {
  it("a position past n_positions is an error naming the limit", () => {
    const model = loadModel(fixtureDir("gpt2-tiny"));
    const long = Array.from({ length: 33 }, (_, i) => (i % 90) + 1);
    assert.throws(() => model.forward(makeBatch([long])), /position 32 exceeds the model's 32 positions/);
  });
});
