// GPT-2 byte-level BPE through loadTokenizer: a golden table checked against gpt-3-encoder (an
// independent JS port of OpenAI's encoder.py), well-known GPT-2 ids, special tokens, decode round
// trips, and the committed fixture being exactly what scripts/fixtures/make-gpt2-tokenizer.ts writes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { encode as referenceEncode } from "gpt-3-encoder";
import { loadTokenizer } from "../../src/tokenizers/index.js";
import { gpt2TokenizerJsonText } from "../../scripts/fixtures/make-gpt2-tokenizer.js";
import { gpt2FixtureDir } from "./paths.js";

const tokenizer = await loadTokenizer(gpt2FixtureDir);

const GOLDEN_TEXTS = [
  "Hello world",
  "Hello, world!",
  "The Eiffel Tower is located in the city of Paris.",
  "Danielle Darrieux's mother tongue is French.",
  " leading space",
  "  two leading spaces",
  "trailing space ",
  "trailing spaces   ",
  "multiple   inner    spaces",
  "   ",
  "a",
  "\n",
  "line one\nline two",
  "paragraph\n\nparagraph\n\n\n",
  "tabs\tand\ttabs",
  "mixed \t\n whitespace",
  "The year 2024 had 365 days.",
  "1234567890",
  "3.14159 and -42 and 1e-10",
  "$1,000,000.00",
  "It's",
  "don't won't can't",
  "they're here",
  "we've, I'm, you'll, he'd",
  "IT'S LOUD, DON'T SHOUT",
  'Mr. O\'Neil said "hi".',
  "naïve café résumé",
  "Straße in München",
  "東京タワー",
  "Привет, мир",
  "مرحبا بالعالم",
  "emoji 😀🎉 party",
  "family 👨‍👩‍👧 zwj",
  "—em dash… ellipsis “curly quotes” ‘single’",
  "function f(x) { return x * 2; }",
  "for (let i = 0; i < n; i++) {}",
  "def foo():\n    return None\n",
  '<html><body class="x">hi</body></html>',
  "snake_case, camelCase and SCREAMING_CASE",
  "email@example.com and https://example.com/path?q=1&r=2",
  "!!!???...;;;",
  "x = [1, 2, 3]  # comment",
  "Toko Yasuda, the guitar player",
  "Apple A5 is developed by",
];

test("GPT-2 golden table: ids equal gpt-3-encoder's encode() and decode back to the text", () => {
  assert.ok(GOLDEN_TEXTS.length >= 40);
  for (const text of GOLDEN_TEXTS) {
    const ids = tokenizer.encode(text);
    assert.deepEqual(ids, referenceEncode(text), `ids of ${JSON.stringify(text)}`);
    assert.equal(tokenizer.decode(ids), text, `round trip of ${JSON.stringify(text)}`);
  }
});

test("well-known GPT-2 ids", () => {
  assert.deepEqual(tokenizer.encode("Hello world"), [15496, 995]);
  assert.deepEqual(tokenizer.encode(" the"), [262]);
  assert.deepEqual(tokenizer.encode("The"), [464]);
  assert.deepEqual(tokenizer.encode("Hello, world."), [15496, 11, 995, 13]);
  assert.deepEqual(tokenizer.encode("\n"), [198]);
  assert.deepEqual(tokenizer.encode(""), []);
  assert.equal(tokenizer.tokenToId("Ġthe"), 262);
  assert.equal(tokenizer.idToToken(995), "Ġworld");
  assert.equal(tokenizer.idToToken(50257), undefined);
});

test("<|endoftext|> is the added special token 50256 and serves as BOS, EOS and pad", () => {
  assert.equal(tokenizer.vocabSize, 50257);
  assert.equal(tokenizer.bosTokenId, 50256);
  assert.equal(tokenizer.eosTokenId, 50256);
  assert.equal(tokenizer.padTokenId, 50256);
  assert.ok(tokenizer.isSpecialTokenId(50256));
  assert.ok(!tokenizer.isSpecialTokenId(262));
  // GPT-2's post-processor adds nothing, with or without special tokens.
  assert.deepEqual(tokenizer.encode("Hello world", { addSpecialTokens: false }), [15496, 995]);
  // Spelled inside text it is one token, as in HF transformers.
  assert.deepEqual(tokenizer.encode("Hi<|endoftext|>the"), [17250, 50256, 1169]);
  assert.equal(tokenizer.decode([17250, 50256, 1169]), "Hi<|endoftext|>the");
  assert.equal(tokenizer.decode([17250, 50256, 1169], { skipSpecialTokens: true }), "Hithe");
});

test("decode: empty input, clean-up option, and ids outside the vocabulary", () => {
  assert.equal(tokenizer.decode([]), "");
  const ids = tokenizer.encode("Hello , it 's");
  assert.equal(tokenizer.decode(ids), "Hello , it 's");
  assert.equal(tokenizer.decode(ids, { cleanUpTokenizationSpaces: true }), "Hello, it's");
  assert.throws(
    () => tokenizer.decode([15496, 50257]),
    /token id 50257 at position 1 is not in the vocabulary/,
  );
  assert.throws(() => tokenizer.decode([-1]), /token id -1 at position 0/);
  assert.throws(() => tokenizer.decode([1.5]), /token id 1.5/);
});

test("the committed fixture is exactly the output of make-gpt2-tokenizer.ts", () => {
  const committed = readFileSync(join(gpt2FixtureDir, "tokenizer.json"), "utf8");
  assert.ok(
    committed === gpt2TokenizerJsonText(),
    "regenerate with node dist/scripts/fixtures/make-gpt2-tokenizer.js",
  );
});
