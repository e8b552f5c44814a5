// Perplexity: the sliding windows worked out by hand, and on models/tiny-facts the figure equals
// exp(mean NLL) recomputed token by token with one unbatched forward per window (log-softmax of
// the full logits in float64); disjoint chunks (the default) and a smaller stride both.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { perplexityOfText, perplexityWindows } from "../../../src/eval/probes/perplexity.js";
import { loadModel } from "../../../src/models/load.js";
import { makeBatch } from "../../../src/runtime/batch.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { TINY_FACTS } from "../golden-helpers.js";

describe("perplexity", async () => {
  it("windows: disjoint chunks leave each chunk's first token unpredicted; strides add context", () => {
    const ids = [10, 11, 12, 13, 14, 15, 16];
    assert.deepEqual(perplexityWindows(ids, 3, 3), [
      { promptIds: [10], targetIds: [11, 12] },
      { promptIds: [13], targetIds: [14, 15] },
    ]);
    assert.deepEqual(perplexityWindows(ids, 4, 2), [
      { promptIds: [10], targetIds: [11, 12, 13] },
      { promptIds: [12, 13], targetIds: [14, 15] },
      { promptIds: [14, 15], targetIds: [16] },
    ]);
    assert.throws(() => perplexityWindows(ids, 4, 5), /stride must be an integer in \[1, 4\]/);
  });

  const model = loadModel(TINY_FACTS);
  const tokenizer = await loadTokenizer(TINY_FACTS);
  const V = model.config.vocabSize;
  const text =
    "The mother tongue of Kuvara Thanunjek is Spanish. The birthplace of Kuvara Thanunjek is Barcelona. " +
    "A young woman cleaned the kitchen before dinner. It snowed while the baker bought fresh bread. " +
    "We took the train to the valley and came back on time. Seilse is located in the continent of Oceania. " +
    "Vesina Soreth holds a passport from Argentina. The music genre of Vesina Soreth is reggae. She performs on " +
    "the violin. Vesina Soreth's place of birth is Rosario. Sernimair Camera was developed by Rarver Industries.";

  /** Σ log p over the windows' predicted tokens, one forward per window. */
  function reference(ids: number[], context: number, stride: number) {
    let logprob = 0;
    let n = 0;
    for (const { promptIds, targetIds } of perplexityWindows(ids, context, stride)) {
      const seq = [...promptIds, ...targetIds];
      const positions = targetIds.map((_, j) => ({ row: 0, position: promptIds.length - 1 + j }));
      const { logits } = model.forward(makeBatch([seq.slice(0, -1)]), { logits: positions });
      targetIds.forEach((id, j) => {
        let max = -Infinity;
        for (let v = 0; v < V; v++) max = Math.max(max, logits[j * V + v]);
        let sum = 0;
        for (let v = 0; v < V; v++) sum += Math.exp(logits[j * V + v] - max);
        logprob += logits[j * V + id] - max - Math.log(sum);
        n++;
      });
    }
    return { ppl: Math.exp(-logprob / n), n };
  }

  for (const stride of [undefined, 24])
    it(`equals the token-by-token computation (stride ${stride ?? "= context"})`, () => {
      const ids = tokenizer.encode(text);
      assert.ok(ids.length > model.config.maxPositions, "the text needs more than one window");
      const result = perplexityOfText(text, model, tokenizer, { stride, batchRows: 2 });
      const ref = reference(ids, model.config.maxPositions, stride ?? model.config.maxPositions);
      assert.equal(result.n, ref.n);
      assert.equal(result.tokens, ids.length);
      assert.equal(result.skipped, 0);
      // Both sum float32 logits' log-softmax in float64; only the batch shapes of the GEMMs differ.
      assert.ok(Math.abs(result.perplexity / ref.ppl - 1) < 1e-5, `${result.perplexity} vs ${ref.ppl}`);
      assert.ok(Math.abs(Math.log(result.perplexity) - result.nll) < 1e-12);
    });

  it("maxTokens cuts the text; too short a text is an error naming it", () => {
    assert.equal(perplexityOfText(text, model, tokenizer, { maxTokens: 20 }).tokens, 20);
    assert.throws(
      () => perplexityOfText("a", model, tokenizer, {}, "one.txt"),
      /one\.txt: perplexity needs at least 2 tokens/,
    );
  });
});
