// The corpus tokenizer: exact round trips, determinism, vocabulary size, well-formed merges, and
// agreement between our own encoder and @huggingface/tokenizers reading the written files.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { byteLevelAlphabet } from "../../src/training/byte-level.js";
import { buildTokenizer, END_OF_TEXT } from "../../src/training/tokenizer-builder.js";
import { AWKWARD_DOCUMENTS, factDocuments } from "./corpus.js";

const DOCUMENTS = [...factDocuments(), ...AWKWARD_DOCUMENTS];

async function loadBuilt(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "locedit-tok-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    return await loadTokenizer(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("corpus tokenizer", () => {
  const built = buildTokenizer(DOCUMENTS, { vocabSize: 330 });

  it("reaches the requested vocabulary, <|endoftext|> last, and frequent words become single tokens", () => {
    assert.equal(built.encoder.vocabSize, 330);
    assert.equal(built.encoder.specialId(END_OF_TEXT), 329);
    const tokens = built.encoder.bpe.tokens;
    for (const word of ["Ġborn", "Ġfavourite", "Ġbirthplace"]) assert.ok(tokens.includes(word), word);
  });

  it("stops below the target when no pair occurs twice", () => {
    const small = buildTokenizer(["abc abd"], { vocabSize: 4000 });
    // words "abc" and "Ġabd": only "a b" occurs twice
    assert.deepEqual(small.encoder.bpe.merges, [["a", "b"]]);
    assert.equal(small.encoder.vocabSize, 256 + 1 + 1);
  });

  it("merges are well formed: both parts earlier in the vocabulary, the result in it, no repeats", () => {
    const { tokens, merges } = built.encoder.bpe;
    assert.deepEqual(tokens.slice(0, 256), byteLevelAlphabet());
    const idOf = new Map(tokens.map((t, i) => [t, i]));
    assert.equal(idOf.size, tokens.length, "token strings are unique");
    const seen = new Set<string>();
    for (const [a, b] of merges) {
      const merged = idOf.get(a + b);
      assert.ok(merged !== undefined, `${a} ${b} → ${a + b} is in the vocabulary`);
      assert.ok(idOf.get(a)! < merged && idOf.get(b)! < merged, `${a} ${b} parts precede the result`);
      assert.ok(!seen.has(`${a} ${b}`), `merge ${a} ${b} repeats`);
      seen.add(`${a} ${b}`);
    }
  });

  it("is deterministic and independent of document order", () => {
    const again = buildTokenizer([...DOCUMENTS].reverse(), { vocabSize: 330 });
    assert.deepEqual(again.files, built.files);
  });

  it("round-trips every document exactly, with our encoder and with loadTokenizer", async () => {
    const hf = await loadBuilt(built.files);
    for (const doc of DOCUMENTS) {
      const ids = built.encoder.encode(doc);
      assert.equal(built.encoder.decode(ids), doc);
      assert.equal(hf.decode(hf.encode(doc)), doc);
    }
  });

  it("loadTokenizer's encode equals our encoder's on the corpus; special ids resolve to <|endoftext|>", async () => {
    const hf = await loadBuilt(built.files);
    for (const doc of [...DOCUMENTS, `two ${END_OF_TEXT} documents`])
      assert.deepEqual(hf.encode(doc), built.encoder.encode(doc), doc);
    assert.equal(hf.vocabSize, 330);
    assert.equal(hf.eosTokenId, 329);
    assert.equal(hf.bosTokenId, 329);
    assert.equal(hf.padTokenId, 329);
    const pieces = hf.tokenize("Varnok was born in Brakken.");
    assert.equal(pieces.join(""), "VarnokĠwasĠbornĠinĠBrakken.");
    assert.ok(pieces.includes("Ġwas") && pieces.includes("Ġborn"), pieces.join(" "));
  });
});
