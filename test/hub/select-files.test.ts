// Tests for src/hub/select-files.ts: only what locedit reads is chosen, and bad listings or
// indexes fail with a line naming the repo or the index field.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { selectFiles, shardsOfIndex } from "../../src/hub/select-files.js";

const where = "org/m@main";

describe("selectFiles", () => {
  it("takes config, generation config, tokenizer files and model.safetensors over an index", () => {
    const names = new Set([
      "config.json",
      "generation_config.json",
      "tokenizer.json",
      "tokenizer_config.json",
      "special_tokens_map.json",
      "model.safetensors",
      "model.safetensors.index.json",
      "pytorch_model.bin",
      "README.md",
      "onnx/model.onnx",
    ]);
    const selection = selectFiles(names, where);
    assert.deepEqual(selection.small, [
      "config.json",
      "generation_config.json",
      "tokenizer.json",
      "tokenizer_config.json",
      "special_tokens_map.json",
    ]);
    assert.deepEqual(selection.weights, { single: "model.safetensors" });
    assert.deepEqual(selection.warnings, []);
  });

  it("uses the index when there is no single file, and warns without tokenizer.json", () => {
    const selection = selectFiles(
      new Set(["config.json", "model.safetensors.index.json", "consolidated.safetensors"]),
      where,
    );
    assert.deepEqual(selection.weights, { index: "model.safetensors.index.json" });
    assert.match(selection.warnings[0], /org\/m@main has no tokenizer\.json/);
  });

  it("refuses a repo without config.json or without safetensors weights", () => {
    assert.throws(() => selectFiles(new Set(["model.safetensors"]), where), /org\/m@main: no config\.json/);
    assert.throws(
      () => selectFiles(new Set(["config.json", "pytorch_model.bin"]), where),
      /no model\.safetensors or model\.safetensors\.index\.json \(it holds pytorch_model\.bin\); locedit reads safetensors checkpoints only/,
    );
  });
});

describe("shardsOfIndex", () => {
  it("lists each shard once, sorted", () => {
    const index = JSON.stringify({
      metadata: { total_size: 10 },
      weight_map: {
        a: "model-00002-of-00002.safetensors",
        b: "model-00001-of-00002.safetensors",
        c: "model-00002-of-00002.safetensors",
      },
    });
    assert.deepEqual(shardsOfIndex(index, "idx"), [
      "model-00001-of-00002.safetensors",
      "model-00002-of-00002.safetensors",
    ]);
  });

  it("rejects broken JSON, a missing weight_map, paths outside the folder and an empty map", () => {
    assert.throws(() => shardsOfIndex("{", "idx"), /^Error: idx: invalid JSON/);
    assert.throws(() => shardsOfIndex("{}", "idx"), /idx: expected an object with a "weight_map"/);
    assert.throws(
      () => shardsOfIndex(JSON.stringify({ weight_map: { w: "../x.safetensors" } }), "idx"),
      /idx: weight_map\["w"\] must name a \.safetensors file, got "\.\.\/x\.safetensors"/,
    );
    assert.throws(
      () => shardsOfIndex(JSON.stringify({ weight_map: { w: "a.bin" } }), "idx"),
      /must name a \.safetensors file/,
    );
    assert.throws(() => shardsOfIndex(JSON.stringify({ weight_map: {} }), "idx"), /idx: weight_map is empty/);
  });
});
