// Fluency (the reference's n_gram_entropy over generate_fast texts): word tokens like
// nltk.word_tokenize, bigram/trigram entropies and their 2/3, 4/3 weighting worked out by hand,
// repetitive text scoring lower, and seeded top-k generations that start with their prompt and fill
// the token budget.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  generateFluencyTexts,
  generationEntropy,
  nGramEntropyBits,
  textEntropy,
  wordTokens,
} from "../../src/eval/fluency.js";
import { loadModel } from "../../src/models/load.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { repoRoot } from "../models/golden-helpers.js";

describe("n-gram entropy", () => {
  it("splits words, punctuation and contractions as nltk.word_tokenize does", () => {
    assert.deepEqual(wordTokens("Don't stop, it's fine."), [
      "Do",
      "n't",
      "stop",
      ",",
      "it",
      "'s",
      "fine",
      ".",
    ]);
    assert.deepEqual(wordTokens("  Zira Kudor (born 1970) was\nhere!"), [
      "Zira",
      "Kudor",
      "(",
      "born",
      "1970",
      ")",
      "was",
      "here",
      "!",
    ]);
    assert.deepEqual(wordTokens(""), []);
  });

  it("entropies and weights worked out by hand", () => {
    // a b a b: bigrams ab, ba, ab → H₂ = −(2/3 log₂ 2/3 + 1/3 log₂ 1/3); trigrams aba, bab → H₃ = 1
    const h2 = -((2 / 3) * Math.log2(2 / 3) + (1 / 3) * Math.log2(1 / 3));
    assert.ok(Math.abs(nGramEntropyBits(["a", "b", "a", "b"], 2) - h2) < 1e-12);
    assert.equal(nGramEntropyBits(["a", "b", "a", "b"], 3), 1);
    assert.ok(Math.abs(textEntropy("a b a b") - ((2 / 3) * h2 + (4 / 3) * 1) / 2) < 1e-12);
    // n distinct n-grams: log₂ of their count
    assert.ok(Math.abs(nGramEntropyBits(["a", "b", "c", "d", "e"], 2) - 2) < 1e-12);
    assert.equal(nGramEntropyBits(["a", "b"], 3), 0, "no trigram: 0 (the reference's empty sum)");
    assert.equal(textEntropy("word"), 0);
  });

  it("repetition lowers the score; a set of texts scores the mean", () => {
    const varied = "the quick brown fox jumps over the lazy dog near a quiet river bank";
    const repetitive = "the dog the dog the dog the dog the dog the dog the dog the dog";
    assert.ok(textEntropy(varied) > textEntropy(repetitive) + 1);
    assert.ok(
      Math.abs(
        generationEntropy([varied, repetitive]) - (textEntropy(varied) + textEntropy(repetitive)) / 2,
      ) < 1e-12,
    );
    assert.throws(() => generationEntropy([]), /no texts/);
  });
});

describe("generateFluencyTexts on tiny-facts", async () => {
  const dir = join(repoRoot, "models", "tiny-facts");
  const model = loadModel(dir);
  const tokenizer = await loadTokenizer(dir);
  const prompts = [
    "Zira Kudor is known for",
    "The story of Zira Kudor began when",
    "When Zira Kudor travels abroad,",
  ];

  it("seeded, starts with the prompt, fills maxLength tokens (prompt included)", () => {
    const progress: number[] = [];
    const a = generateFluencyTexts(model, tokenizer, prompts, {
      maxLength: 30,
      seed: 4,
      onProgress: (done) => progress.push(done),
    });
    assert.deepEqual(a, generateFluencyTexts(model, tokenizer, prompts, { maxLength: 30, seed: 4 }));
    assert.notDeepEqual(a, generateFluencyTexts(model, tokenizer, prompts, { maxLength: 30, seed: 5 }));
    a.forEach((text, i) => {
      assert.ok(text.startsWith(prompts[i]), text);
      const length = tokenizer.encode(text).length;
      assert.ok(Math.abs(length - 30) <= 2, `${length} tokens: ${JSON.stringify(text)}`);
    });
    assert.equal(progress[progress.length - 1], prompts.length);
    const none = generateFluencyTexts(model, tokenizer, prompts, { maxLength: 1 });
    assert.deepEqual(none, prompts, "no room left: the prompt alone");
  });

  it("caps the length at the model's positions", () => {
    const [text] = generateFluencyTexts(model, tokenizer, [prompts[0]], { maxLength: 1000 });
    assert.ok(tokenizer.encode(text).length <= model.config.maxPositions + 2);
  });
});
