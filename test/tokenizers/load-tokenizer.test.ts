// loadTokenizer / tokenizerFromJson: clear errors for missing or broken files and unsupported
// models, and the BOS/EOS/pad resolution rules (config fields, null, AddedToken objects, fallbacks).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadTokenizer, tokenizerFromJson } from "../../src/tokenizers/index.js";
import { llama3FixtureDir } from "./paths.js";

const llama3Json = JSON.parse(readFileSync(join(llama3FixtureDir, "tokenizer.json"), "utf8"));

/** A fresh temp folder holding the given files; removed after the callback. */
async function withFolder(
  files: Record<string, string>,
  body: (dir: string) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "locedit-tokenizer-"));
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    await body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("missing folder or tokenizer.json names the folder", async () => {
  await withFolder({}, async (dir) => {
    await assert.rejects(loadTokenizer(dir), (error: Error) =>
      error.message.includes(`${dir}: no tokenizer.json`),
    );
    await assert.rejects(loadTokenizer(join(dir, "nope")), /nope: no tokenizer\.json/);
  });
});

test("broken JSON names the file", async () => {
  await withFolder({ "tokenizer.json": "{ not json" }, async (dir) => {
    await assert.rejects(loadTokenizer(dir), (error: Error) =>
      error.message.startsWith(`${join(dir, "tokenizer.json")}: invalid JSON`),
    );
  });
  const files = { "tokenizer.json": JSON.stringify(llama3Json), "tokenizer_config.json": "[1, 2" };
  await withFolder(files, async (dir) => {
    await assert.rejects(loadTokenizer(dir), /tokenizer_config\.json: invalid JSON/);
  });
  await withFolder(
    { "tokenizer.json": JSON.stringify(llama3Json), "tokenizer_config.json": "[]" },
    async (dir) => {
      await assert.rejects(loadTokenizer(dir), /tokenizer_config\.json: expected a JSON object/);
    },
  );
});

test("unsupported or malformed models are refused with the field at fault", () => {
  const withModel = (model: object) => ({ ...llama3Json, model: { ...llama3Json.model, ...model } });
  assert.throws(
    () => tokenizerFromJson(withModel({ type: "WordPiece" })),
    /model\.type "WordPiece" is not supported/,
  );
  assert.throws(() => tokenizerFromJson(withModel({ type: "Unigram" })), /expected "BPE"/);
  assert.throws(() => tokenizerFromJson(withModel({ merges: "a b" })), /model\.merges must be an array/);
  assert.throws(() => tokenizerFromJson(withModel({ vocab: [] })), /model\.vocab must be an object/);
  assert.throws(
    () => tokenizerFromJson({ version: "1.0" }, {}, "x/tokenizer.json"),
    /x\/tokenizer\.json: missing "model"/,
  );
  assert.throws(() => tokenizerFromJson([]), /expected a JSON object/);
  assert.throws(() => tokenizerFromJson({ ...llama3Json, added_tokens: [{ id: "7" }] }), /added_tokens\[0\]/);
  const badPreTokenizer = { ...llama3Json, pre_tokenizer: { type: "NoSuchPreTokenizer" } };
  assert.throws(
    () => tokenizerFromJson(badPreTokenizer),
    /@huggingface\/tokenizers could not build the tokenizer/,
  );
});

test("old files without model.type but with merges load as BPE; added_tokens may be absent", () => {
  const { type: _type, ...untypedModel } = llama3Json.model;
  const { added_tokens: _added, ...withoutAdded } = llama3Json;
  const tokenizer = tokenizerFromJson({ ...withoutAdded, model: untypedModel, post_processor: null });
  assert.equal(tokenizer.decode(tokenizer.encode("Paris, France")), "Paris, France");
  assert.equal(tokenizer.bosTokenId, null);
  assert.equal(tokenizer.eosTokenId, null);
  assert.equal(tokenizer.padTokenId, 0);
});

test("special ids: config strings, AddedToken objects, explicit null, unknown tokens", () => {
  const ids = (config: Record<string, unknown>) => {
    const t = tokenizerFromJson(llama3Json, config);
    return [t.bosTokenId, t.eosTokenId, t.padTokenId];
  };
  const addedId = (content: string) =>
    (llama3Json.added_tokens as { id: number; content: string }[]).find((t) => t.content === content)!.id;
  const bos = addedId("<|begin_of_text|>");
  const eos = addedId("<|end_of_text|>");
  const eot = addedId("<|eot_id|>");
  // No config: the conventional Llama 3 names are found among the added tokens.
  assert.deepEqual(ids({}), [bos, eos, eos]);
  assert.deepEqual(ids({ eos_token: "<|eot_id|>" }), [bos, eot, eot]);
  assert.deepEqual(ids({ eos_token: { content: "<|eot_id|>", __type: "AddedToken" } }), [bos, eot, eot]);
  assert.deepEqual(ids({ pad_token: "<|eot_id|>" }), [bos, eos, eot]);
  assert.deepEqual(ids({ eos_token: null }), [bos, null, bos]);
  assert.deepEqual(ids({ bos_token: null, eos_token: null, unk_token: "a" }), [
    null,
    null,
    llama3Json.model.vocab.a,
  ]);
  assert.throws(
    () => ids({ bos_token: "<|nope|>" }),
    /tokenizer_config\.json: bos_token "<\|nope\|>" is not in the tokenizer vocabulary/,
  );
  assert.throws(() => ids({ eos_token: 5 }), /eos_token must be a string/);
});
