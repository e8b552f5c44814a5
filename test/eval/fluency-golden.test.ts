// The n-gram entropy (fluency) against the reference formula run with nltk's FreqDist/ngrams and
// numpy (scripts/golden/make_eval_goldens.py): the same word tokens, H₂, H₃, the weighted mean per
// text and the mean over texts (the summary prints it × 100).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generationEntropy, nGramEntropyBits, textEntropy, wordTokens } from "../../src/eval/fluency.js";
import { close, evalGolden } from "./golden-helpers.js";

const golden = evalGolden().entropy;

describe("n-gram entropy against the Python reference", () => {
  for (const { text, tokens, h2, h3, entropy } of golden.texts)
    it(JSON.stringify(text.slice(0, 40)), () => {
      assert.deepEqual(wordTokens(text), tokens);
      assert.ok(close(nGramEntropyBits(tokens, 2), h2), `H2 ${nGramEntropyBits(tokens, 2)} vs ${h2}`);
      assert.ok(close(nGramEntropyBits(tokens, 3), h3), `H3 ${nGramEntropyBits(tokens, 3)} vs ${h3}`);
      assert.ok(close(textEntropy(text), entropy), `${textEntropy(text)} vs ${entropy}`);
    });

  it("the mean over texts", () => {
    assert.ok(close(generationEntropy(golden.texts.map((t) => t.text)), golden.mean));
  });
});
