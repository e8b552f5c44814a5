// Generation on the golden tiny models: greedy equals a step-by-step argmax of full forwards,
// batched (left-padded) generation equals one-by-one, top-k is seeded and stays in the top k,
// and the KV-cache path (the default) gives the same ids as recomputing every step. Paths that
// compute the logits in other shapes agree only to float32 rounding, so before comparing their ids
// each test asserts that no decision came within SAFE_MARGIN of flipping (./decision-margins.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { loadModel } from "../../src/models/load.js";
import { makeBatch } from "../../src/runtime/batch.js";
import {
  argmax,
  generate,
  sampleTopK,
  topIndices,
  type GenerateOptions,
} from "../../src/runtime/generate.js";
import { createRng } from "../../src/util/random.js";
import { fixtureDir } from "../models/golden-helpers.js";
import { SAFE_MARGIN, smallestMargin } from "./decision-margins.js";

/** Equal ids from two float32 paths, once the decisions are shown to be clear of rounding. */
function assertSameIds(
  margin: number,
  a: readonly (readonly number[])[],
  b: readonly (readonly number[])[],
): void {
  assert.ok(
    margin >= SAFE_MARGIN,
    `a decision is within ${margin} of flipping: equal ids are not guaranteed`,
  );
  assert.deepEqual(a, b);
}

for (const name of ["gpt2-tiny", "gptj-tiny", "llama-tiny", "llama-tiny-tied-rope3"]) {
  describe(`generate with and without the KV cache on ${name}`, () => {
    const model = loadModel(fixtureDir(name));
    const prompts = [[3, 14, 15, 92, 65, 35, 89], [35, 89], [79, 32, 38], [1]];
    const both = (options: GenerateOptions) => {
      const steps: number[] = [];
      const cached = generate(model, prompts, { ...options, onStep: (s) => steps.push(s) });
      const recomputed = generate(model, prompts, { ...options, useCache: false });
      const margin = smallestMargin(model, prompts, recomputed, options.decoding, options.stopTokenIds);
      return { cached, recomputed, steps, margin };
    };

    it("greedy: identical ids for a left-padded batch", () => {
      const { cached, recomputed, steps, margin } = both({ maxNewTokens: 12 });
      assertSameIds(margin, cached, recomputed);
      assert.deepEqual(
        steps,
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
    });

    it("seeded top-k: identical ids", () => {
      const decoding = { kind: "top-k", k: 8, seed: 21, temperature: 1.5 } as const;
      const { cached, recomputed, margin } = both({ maxNewTokens: 12, decoding });
      assertSameIds(margin, cached, recomputed);
    });

    it("rows that stop early leave the others unchanged", () => {
      const free = generate(model, prompts, { maxNewTokens: 10, useCache: false });
      const stopTokenIds = [free[1][1], free[2][3]];
      const { cached, recomputed, margin } = both({ maxNewTokens: 10, stopTokenIds });
      assertSameIds(margin, cached, recomputed);
      assert.ok(
        cached.some((ids) => ids.length < 10),
        "some row stopped early",
      );
    });
  });
}

for (const name of ["gpt2-tiny", "gptj-tiny", "llama-tiny"]) {
  describe(`generate on ${name}`, () => {
    const model = loadModel(fixtureDir(name));
    const prompts = [
      [3, 14, 15, 92, 65],
      [35, 89],
      [79, 32, 38],
    ];

    it("greedy equals repeated argmax over the full sequence", () => {
      const [ids] = generate(model, [prompts[0]], { maxNewTokens: 6 });
      const seq = [...prompts[0]];
      for (let i = 0; i < 6; i++) {
        const { logits } = model.forward(makeBatch([seq]));
        const V = model.config.vocabSize;
        seq.push(argmax(logits.subarray((seq.length - 1) * V, seq.length * V)));
      }
      const margin = smallestMargin(model, [prompts[0]], [seq.slice(prompts[0].length)]);
      assertSameIds(margin, [ids], [seq.slice(prompts[0].length)]);
    });

    it("a left-padded batch generates what each prompt generates alone", () => {
      const together = generate(model, prompts, { maxNewTokens: 5 });
      const alone = prompts.map((p) => generate(model, [p], { maxNewTokens: 5 })[0]);
      assertSameIds(smallestMargin(model, prompts, alone), together, alone);
    });

    it("top-k sampling is reproducible from its seed and k = 1 is greedy", () => {
      const opts = { maxNewTokens: 8, decoding: { kind: "top-k", k: 5, seed: 7 } } as const;
      assert.deepEqual(generate(model, prompts, opts), generate(model, prompts, opts));
      const greedy = generate(model, prompts, { maxNewTokens: 8 });
      assert.deepEqual(
        generate(model, prompts, { maxNewTokens: 8, decoding: { kind: "top-k", k: 1, seed: 3 } }),
        greedy,
      );
    });

    it("stops a row at a stop token and keeps it", () => {
      const [free] = generate(model, [prompts[1]], { maxNewTokens: 4 });
      const [stopped] = generate(model, [prompts[1]], { maxNewTokens: 4, stopTokenIds: [free[1]] });
      assert.deepEqual(stopped, free.slice(0, free.indexOf(free[1]) + 1));
    });
  });
}

describe("sampleTopK", () => {
  it("only returns ids among the k largest logits, with frequencies near softmax", () => {
    const row = Float32Array.from([0.1, 2, -1, 1.5, 0.3, 3]);
    const rng = createRng(11);
    const counts = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const id = sampleTopK(row, 3, 1, rng);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    assert.deepEqual([...counts.keys()].sort(), [1, 3, 5]);
    const z = Math.exp(2) + Math.exp(1.5) + Math.exp(3);
    assert.ok(Math.abs(counts.get(5)! / 4000 - Math.exp(3) / z) < 0.03);
  });
  it("rejects bad settings", () => {
    const model = loadModel(fixtureDir("llama-tiny"));
    assert.throws(() => generate(model, [[1]], { maxNewTokens: -1 }), /maxNewTokens/);
    assert.throws(() => generate(model, [[]], { maxNewTokens: 1 }), /prompt 0 is empty/);
    assert.throws(
      () => generate(model, [[1]], { maxNewTokens: 1, decoding: { kind: "top-k", k: 0, seed: 1 } }),
      /k ≥ 1/,
    );
    assert.throws(() => sampleTopK(Float32Array.from([1, 2]), 1, 0, createRng(1)), /temperature/);
  });
  it("refuses to run GPT-2 past its learned positions", () => {
    const model = loadModel(fixtureDir("gpt2-tiny"));
    assert.throws(
      () => generate(model, [[1, 2, 3]], { maxNewTokens: 40 }),
      /exceeds the model's 32 positions/,
    );
  });
});

describe("topIndices", () => {
  it("equals a full sort (value descending, ties by lower index) for every k", () => {
    const rng = createRng(4);
    for (let trial = 0; trial < 50; trial++) {
      const V = 1 + rng.int(60);
      // few distinct values, so ties are common
      const row = Float32Array.from({ length: V }, () => rng.int(7) - 3);
      const sorted = Array.from(row.keys()).sort((a, b) => row[b] - row[a] || a - b);
      for (let k = 1; k <= V; k++) assert.deepEqual(topIndices(row, k), sorted.slice(0, k), `V ${V} k ${k}`);
    }
  });
});
