// The aidreams260K Llama-2-style tokenizer (SentencePiece-style BPE with byte fallback) against
// tokenizer_reference.json, whose ids come from llama2.c's own C tokenizer (run.c). Skips when the
// shared data folder is absent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { loadTokenizer } from "../../src/tokenizers/index.js";
import { aidreamsDir, skipWithoutAidreams } from "./paths.js";

interface ReferenceEntry {
  text: string;
  ids: number[];
}

// HF treats "<s>"/"</s>" written in raw text as the special tokens; run.c spells them out.
const DOCUMENTED_EXCEPTION = "<s> and </s> text";

test(
  "290 of 291 run.c encodings match; the documented <s>/</s> text is the only difference",
  {
    skip: skipWithoutAidreams,
  },
  async () => {
    const tokenizer = await loadTokenizer(aidreamsDir);
    const reference = JSON.parse(
      readFileSync(join(aidreamsDir, "tokenizer_reference.json"), "utf8"),
    ) as ReferenceEntry[];
    assert.equal(reference.length, 291);
    const mismatches = reference.filter(({ text, ids }) => {
      const ours = tokenizer.encode(text);
      return ours.length !== ids.length || ours.some((id, i) => id !== ids[i]);
    });
    assert.deepEqual(
      mismatches.map((entry) => entry.text),
      [DOCUMENTED_EXCEPTION],
    );
    // Ours: BOS, then <s> as token 1, " and", "▁", </s> as token 2, " text".
    assert.deepEqual(
      tokenizer.encode(DOCUMENTED_EXCEPTION),
      [1, 1, 429, 351, 429, 2, 429, 263, 430, 458, 434],
    );
    const runC = mismatches[0].ids;
    assert.ok(!runC.slice(1).includes(1) && !runC.includes(2), "run.c spells <s> and </s> out");
  },
);

test(
  "decoding run.c's ids (skipping BOS) gives back all 291 texts",
  { skip: skipWithoutAidreams },
  async () => {
    const tokenizer = await loadTokenizer(aidreamsDir);
    const reference = JSON.parse(
      readFileSync(join(aidreamsDir, "tokenizer_reference.json"), "utf8"),
    ) as ReferenceEntry[];
    for (const { text, ids } of reference) {
      assert.equal(
        tokenizer.decode(ids, { skipSpecialTokens: true }),
        text,
        `decode of ${JSON.stringify(text)}`,
      );
    }
  },
);

test("special tokens, vocabulary and BOS handling", { skip: skipWithoutAidreams }, async () => {
  const tokenizer = await loadTokenizer(aidreamsDir);
  assert.equal(tokenizer.vocabSize, 512);
  assert.equal(tokenizer.bosTokenId, 1);
  assert.equal(tokenizer.eosTokenId, 2);
  // tokenizer_config.json says pad_token: null, so padding falls back to EOS.
  assert.equal(tokenizer.padTokenId, 2);
  assert.equal(tokenizer.tokenToId("<0x0A>"), 13);
  assert.equal(tokenizer.idToToken(3), "<0x00>");
  assert.deepEqual(tokenizer.encode("The cat"), [1, 368, 430, 273, 268]);
  assert.deepEqual(tokenizer.encode("The cat", { addSpecialTokens: false }), [368, 430, 273, 268]);
  assert.deepEqual(tokenizer.tokenize("The cat"), ["<s>", "▁Th", "e", "▁c", "at"]);
  assert.deepEqual(tokenizer.encode(""), [1]);
  assert.equal(tokenizer.decode([1, 368, 430, 273, 268], { skipSpecialTokens: true }), "The cat");
  // Byte fallback: "é" is not a piece, so it is written as its two UTF-8 bytes.
  assert.deepEqual(tokenizer.encode("é", { addSpecialTokens: false }), [429, 0xc3 + 3, 0xa9 + 3]);
});
