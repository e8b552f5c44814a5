// Model and corpus fingerprints: stable, independent of where the files live, and sensitive to
// config and every byte of the weights, and to corpus contents. (The layer fingerprints that key
// the statistics are tested in stale.test.ts.)
import assert from "node:assert/strict";
import { closeSync, copyFileSync, cpSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { corpusFingerprint, modelFingerprint } from "../../src/stats/fingerprint.js";
import { openSafetensors } from "../../src/io/safetensors-read.js";
import { FACTS_DIR, LLAMA_DIR, tempDir, writeCorpus } from "./helpers.js";

const temp = tempDir("fingerprint");
after(() => temp.remove());

describe("modelFingerprint", () => {
  it("is stable across copies and differs between models", () => {
    const copy = join(temp.dir, "copy");
    cpSync(LLAMA_DIR, copy, { recursive: true });
    assert.match(modelFingerprint(LLAMA_DIR), /^[0-9a-f]{64}$/);
    assert.equal(modelFingerprint(copy), modelFingerprint(LLAMA_DIR));
    assert.notEqual(modelFingerprint(FACTS_DIR), modelFingerprint(LLAMA_DIR));
  });

  it("changes with config.json and with any byte of a tensor", () => {
    const base = modelFingerprint(LLAMA_DIR);
    const edited = join(temp.dir, "edited");
    cpSync(LLAMA_DIR, edited, { recursive: true });
    const config = JSON.parse(readFileSync(join(LLAMA_DIR, "config.json"), "utf8"));
    writeFileSync(join(edited, "config.json"), JSON.stringify({ ...config, rope_theta: 500000 }));
    assert.notEqual(modelFingerprint(edited), base);
    copyFileSync(join(LLAMA_DIR, "config.json"), join(edited, "config.json"));
    const weights = join(edited, "model.safetensors");
    const file = openSafetensors(weights);
    const info = file.info("model.layers.0.mlp.down_proj.weight");
    file.close();
    const flip = (offset: number) => {
      const original = readFileSync(weights);
      const fd = openSync(weights, "r+");
      writeSync(fd, new Uint8Array([original[offset] ^ 0x40]), 0, 1, offset);
      closeSync(fd);
      const fingerprint = modelFingerprint(edited);
      copyFileSync(join(LLAMA_DIR, "model.safetensors"), weights);
      return fingerprint;
    };
    const { byteOffset: begin, byteLength: length } = info;
    for (const offset of [begin, begin + 1000, begin + Math.floor(length / 2) + 3, begin + length - 1])
      assert.notEqual(flip(offset), base, `byte ${offset - begin} of ${length}`);
  });

  it("names a folder without weights", () => {
    assert.throws(() => modelFingerprint(join(temp.dir, "nothing")), /nothing.*config\.json: missing/);
  });
});

describe("corpusFingerprint", () => {
  it("hashes contents in order, not names", () => {
    const a = writeCorpus(temp.dir, "a.txt", "one\ntwo\n");
    const b = writeCorpus(temp.dir, "b.txt", "three\n");
    const a2 = writeCorpus(temp.dir, "a2.txt", "one\ntwo\n");
    assert.equal(corpusFingerprint([a]), corpusFingerprint([a2]));
    assert.notEqual(corpusFingerprint([a, b]), corpusFingerprint([b, a]));
    const joined = writeCorpus(temp.dir, "ab.txt", "one\ntwo\nthree\n");
    assert.notEqual(corpusFingerprint([joined]), corpusFingerprint([a, b]), "file boundaries count");
    assert.throws(
      () => corpusFingerprint([join(temp.dir, "none.txt")]),
      /none\.txt: cannot open corpus file/,
    );
  });
});
