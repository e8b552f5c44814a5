// Σ k kᵀ from packed, padded batches equals a plain float64 sum over each sample run alone; the
// count is the number of non-pad tokens; C0 = sum / count; non-finite keys name layer and sample.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { accumulateSecondMoments } from "../../src/stats/accumulate.js";
import { planBatches, START } from "../../src/stats/batches.js";
import { secondMoment } from "../../src/stats/second-moment.js";
import type { LayerStats } from "../../src/stats/types.js";
import type { CausalLM } from "../../src/models/causal-lm.js";
import type { Tokenizer } from "../../src/tokenizers/tokenizer.js";
import {
  corpusText,
  FACTS_DIR,
  KEY_SUM_TOLERANCE,
  LLAMA_DIR,
  loadTiny,
  referenceMoments,
  relativeError,
  tempDir,
  writeCorpus,
} from "./helpers.js";

const temp = tempDir("accumulate");
after(() => temp.remove());

for (const [name, dir, layers] of [
  ["tiny-random-llama", LLAMA_DIR, [0, 1]],
  ["tiny-facts (GPT-2)", FACTS_DIR, [1, 3]],
] as const) {
  describe(`accumulateSecondMoments on ${name}`, () => {
    let model: CausalLM;
    let tokenizer: Tokenizer;
    let corpus: string;
    before(async () => {
      ({ model, tokenizer } = await loadTiny(dir));
      corpus = writeCorpus(temp.dir, `${name.replace(/\W/g, "")}.txt`, corpusText(23));
    });

    for (const dtype of ["float32", "float64"] as const) {
      it(`${dtype}: packed padded batches give the unpadded per-sample sum and token count`, () => {
        const maxLen = 24; // truncates the longer lines
        const plan = { samples: 21, maxLen, batchTokens: 100, windowSamples: 8 };
        const batches = [...planBatches([corpus], tokenizer, plan, START)];
        assert.ok(
          batches.some((b) => b.batch.B > 1 && b.tokens < b.batch.B * b.batch.T),
          "some batch is padded",
        );
        const result = accumulateSecondMoments(model, batches, layers, dtype);
        for (const layer of layers) {
          const ref = referenceMoments(model, tokenizer, [corpus], plan.samples, maxLen, layer);
          const acc = result.get(layer)!;
          assert.equal(acc.count, ref.count);
          assert.equal(
            acc.count,
            batches.reduce((n, b) => n + b.tokens, 0),
          );
          const error = relativeError(acc.sum, ref.sum);
          assert.ok(error < KEY_SUM_TOLERANCE, `layer ${layer}: relative error ${error}`);
          for (let i = 0; i < acc.dim; i++)
            for (let j = 0; j < i; j++) assert.equal(acc.sum[i * acc.dim + j], acc.sum[j * acc.dim + i]);
        }
      });
    }
  });
}

describe("secondMoment", () => {
  const key = { model: "m", layer: 4, corpus: "c", samples: 1, maxLen: 8, dtype: "float32" as const };
  it("is sum / count", () => {
    const stats: LayerStats = { layer: 4, dim: 2, count: 4, sum: new Float64Array([4, 2, 2, 8]), key };
    assert.deepEqual([...secondMoment(stats)], [1, 0.5, 0.5, 2]);
  });
  it("throws naming the layer on a zero count or a non-finite entry", () => {
    const empty: LayerStats = { layer: 4, dim: 1, count: 0, sum: new Float64Array(1), key };
    assert.throws(() => secondMoment(empty), /layer 4 statistics: count is 0/);
    const nan: LayerStats = { layer: 4, dim: 2, count: 1, sum: new Float64Array([1, NaN, NaN, 1]), key };
    assert.throws(() => secondMoment(nan), /layer 4 statistics: entry \(0, 1\) of C0 is NaN/);
    const inf: LayerStats = { layer: 4, dim: 1, count: 1, sum: new Float64Array([Infinity]), key };
    assert.throws(() => secondMoment(inf), /layer 4 .*Infinity/);
  });
});

describe("non-finite keys", () => {
  it("name the layer, the sample and its file:line", async () => {
    const { model, tokenizer } = await loadTiny(LLAMA_DIR);
    const corpus = writeCorpus(temp.dir, "nan.txt", "the cat\n\nsat on the mat\nzebra quiz\n");
    // A NaN embedding row for the token of "z" poisons only the keys of the third sample.
    const zebra = tokenizer.encode("zebra quiz", { addSpecialTokens: false });
    const others = new Set([...tokenizer.encode("the cat"), ...tokenizer.encode("sat on the mat")]);
    const poisoned = zebra.find((id) => !others.has(id))!;
    const C = model.config.hiddenSize;
    model.param("model.embed_tokens.weight").fill(NaN, poisoned * C, poisoned * C + C);
    const plan = { samples: 3, maxLen: 32, batchTokens: 64, windowSamples: 8 };
    const batches = planBatches([corpus], tokenizer, plan, START);
    assert.throws(
      () => accumulateSecondMoments(model, batches, [1]),
      (error: Error) =>
        /^layer 1: key of sample 2 \(.*nan\.txt:4\), token \d+, has NaN/.test(error.message) ||
        assert.fail(error.message),
    );
  });
});
