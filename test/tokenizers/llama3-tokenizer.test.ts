// The tiny synthetic Llama-3-style tokenizer (scripts/fixtures/make-llama3-tokenizer.ts): it loads,
// matches an independent byte-level BPE with the Llama 3 split regex (byte-level-bpe.ts), adds
// <|begin_of_text|>, splits digits in groups of three, takes contractions case-insensitively, reads
// BOS/EOS and clean_up_tokenization_spaces from tokenizer_config.json, and round trips.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadTokenizer, type Tokenizer } from "../../src/tokenizers/index.js";
import {
  applyMerges,
  GPT2_SPLIT_REGEX,
  LLAMA3_SPLIT_REGEX,
  preTokenize,
} from "../../scripts/fixtures/byte-level-bpe.js";
import { buildLlama3TokenizerFiles } from "../../scripts/fixtures/make-llama3-tokenizer.js";
import { llama3FixtureDir } from "./paths.js";

const tokenizer = await loadTokenizer(llama3FixtureDir);
const { tokenizerJson } = buildLlama3TokenizerFiles() as {
  tokenizerJson: { model: { vocab: Record<string, number>; merges: [string, string][] } };
};
const vocab = new Map(Object.entries(tokenizerJson.model.vocab));
const ranks = new Map(tokenizerJson.model.merges.map(([a, b], rank) => [`${a} ${b}`, rank]));

/** Independent encoder: regex split (Llama 3's by default), byte-level characters, whole-word lookup, then BPE. */
function referenceEncode(text: string, splitRegex = LLAMA3_SPLIT_REGEX): number[] {
  return preTokenize(text, splitRegex).flatMap((word) =>
    vocab.has(word) ? [vocab.get(word)!] : applyMerges(word, ranks).map((part) => vocab.get(part)!),
  );
}

const TEXTS = [
  "The Eiffel Tower is located in the city of Paris.",
  "Danielle Darrieux's mother tongue is",
  "IT'S THEIR CAR, ISN'T IT? We'Ve SEEN it",
  "In 2024 the population was 12345678 people.",
  "  leading spaces and trailing ones  ",
  "line one\n\nline two\r\nline three",
  "function add(a, b) {\n  return a + b;\n}\n",
  "Café, naïve, résumé and 東京 😀",
  "Toko Yasuda, the guitar player, performs",
  "x",
  "",
];

function withoutBos(t: Tokenizer, text: string): number[] {
  return t.encode(text, { addSpecialTokens: false });
}

test("ids match an independent byte-level BPE using the Llama 3 split regex", () => {
  for (const text of TEXTS) {
    assert.deepEqual(withoutBos(tokenizer, text), referenceEncode(text), `ids of ${JSON.stringify(text)}`);
    assert.equal(
      tokenizer.decode(withoutBos(tokenizer, text)),
      text,
      `round trip of ${JSON.stringify(text)}`,
    );
  }
});

test("the Llama 3 split regex, not GPT-2's, decides the pieces: digit triples, case-insensitive 'S", () => {
  const preTokens = Array.from("23456 IT'S".matchAll(LLAMA3_SPLIT_REGEX), (m) => m[0]);
  assert.deepEqual(preTokens, ["234", "56", " IT", "'S"]);
  // With this vocabulary the two regexes give different ids for these strings; the library must
  // follow the Llama 3 one.
  for (const text of ["23456", "IT'S"]) {
    const ids = withoutBos(tokenizer, text);
    assert.deepEqual(ids, referenceEncode(text), `ids of ${text}`);
    assert.notDeepEqual(ids, referenceEncode(text, GPT2_SPLIT_REGEX), `GPT-2 split of ${text} must differ`);
  }
  assert.deepEqual(
    withoutBos(tokenizer, "IT'S").map((id) => tokenizer.idToToken(id)),
    ["I", "T", "'S"],
  );
});

test("BOS from the post-processor and special ids from tokenizer_config.json", () => {
  const bos = tokenizer.tokenToId("<|begin_of_text|>")!;
  const eos = tokenizer.tokenToId("<|end_of_text|>")!;
  assert.equal(tokenizer.bosTokenId, bos);
  assert.equal(tokenizer.eosTokenId, eos);
  assert.equal(tokenizer.padTokenId, eos);
  assert.equal(tokenizer.vocabSize, vocab.size + 3);
  assert.deepEqual(tokenizer.encode("Paris"), [bos, ...withoutBos(tokenizer, "Paris")]);
  assert.deepEqual(tokenizer.encode(""), [bos]);
  const ids = tokenizer.encode("Hello<|eot_id|>");
  assert.equal(ids.at(-1), tokenizer.tokenToId("<|eot_id|>"));
  assert.equal(tokenizer.decode(ids, { skipSpecialTokens: true }), "Hello");
});

test("clean_up_tokenization_spaces: true in the config applies by default and can be turned off", () => {
  const ids = withoutBos(tokenizer, "Paris , France .");
  assert.equal(tokenizer.decode(ids), "Paris, France.");
  assert.equal(tokenizer.decode(ids, { cleanUpTokenizationSpaces: false }), "Paris , France .");
});

test("the committed fixture is exactly the output of make-llama3-tokenizer.ts", () => {
  const { tokenizerJson: json, tokenizerConfig } = buildLlama3TokenizerFiles();
  const read = (name: string) => readFileSync(join(llama3FixtureDir, name), "utf8");
  assert.equal(read("tokenizer.json"), JSON.stringify(json, null, 2) + "\n");
  assert.equal(read("tokenizer_config.json"), JSON.stringify(tokenizerConfig, null, 2) + "\n");
});
