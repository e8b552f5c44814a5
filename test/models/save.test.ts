// saveModel → loadModel round trips for every architecture (GPT-2's Conv1D transposes, tied heads,
// F16 storage), config.json round trip, and all-or-nothing writes.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { openCheckpoint } from "../../src/io/checkpoint.js";
import { toHfConfig } from "../../src/models/hf-config-write.js";
import { parseModelConfig } from "../../src/models/hf-config.js";
import { loadModel } from "../../src/models/load.js";
import { saveModel } from "../../src/models/save.js";
import { fixtureDir } from "./golden-helpers.js";

const MODELS = [
  "gpt2-tiny",
  "gptj-tiny",
  "llama-tiny",
  "llama-tiny-tied-rope3",
  "qwen2-tiny",
  "qwen3-tiny",
  "mistral-tiny",
  "gpt-neox-tiny",
  "gpt-neox-tiny-sequential",
];

describe("saveModel", () => {
  const tmp = mkdtempSync(join(tmpdir(), "locedit-save-"));

  for (const name of MODELS) {
    it(`${name}: F32 round trip is exact and keeps the HF layout`, () => {
      const model = loadModel(fixtureDir(name));
      const out = join(tmp, name);
      saveModel(model, out);
      const again = loadModel(out);
      assert.deepEqual(again.config, model.config);
      for (const spec of model.specs)
        assert.deepEqual(again.param(spec.name), model.param(spec.name), spec.name);
      const original = openCheckpoint(fixtureDir(name));
      const saved = openCheckpoint(out);
      for (const n of saved.names()) assert.deepEqual(saved.info(n).shape, original.info(n).shape, n);
      original.close();
      saved.close();
    });
  }

  it("GPT-NeoX's fused qkv is regrouped on load and written back in its per-head layout", () => {
    const name = "gpt-neox-tiny";
    const model = loadModel(fixtureDir(name));
    const out = join(tmp, "neox-layout");
    saveModel(model, out);
    const original = openCheckpoint(fixtureDir(name));
    const saved = openCheckpoint(out);
    const qkv = "gpt_neox.layers.1.attention.query_key_value.weight";
    const stored = original.readFloat32(qkv);
    assert.deepEqual(saved.readFloat32(qkv), stored);
    // in memory: rows [q heads; k heads; v heads]; in the file: [q_0; k_0; v_0; q_1; k_1; v_1]
    const C = model.config.hiddenSize;
    const D = C / model.config.numHeads;
    const kRowOfHead1 = (C + D) * C; // k block, second head, first row
    const fileRow = (1 * 3 + 1) * D * C; // head 1, part k, first row
    assert.deepEqual(model.param(qkv).subarray(kRowOfHead1, kRowOfHead1 + C), stored.subarray(fileRow, fileRow + C));
    original.close();
    saved.close();
  });

  it("F16 storage rounds each weight to the nearest half", () => {
    const model = loadModel(fixtureDir("llama-tiny"));
    const out = join(tmp, "f16");
    saveModel(model, out, { dtype: "F16" });
    const again = loadModel(out);
    const w = model.param("model.layers.0.mlp.down_proj.weight");
    const h = again.param("model.layers.0.mlp.down_proj.weight");
    for (let i = 0; i < w.length; i++) assert.ok(Math.abs(w[i] - h[i]) <= Math.abs(w[i]) * 2 ** -11 + 1e-7);
  });

  it("config.json written by locedit parses back to the same config", () => {
    for (const name of MODELS) {
      const config = loadModel(fixtureDir(name)).config;
      assert.deepEqual(parseModelConfig(toHfConfig(config), name), config);
    }
  });

  it("a failed save leaves neither a half-written folder nor a changed target", () => {
    const model = loadModel(fixtureDir("llama-tiny"));
    const out = join(tmp, "atomic");
    saveModel(model, out);
    const before = readdirSync(out).sort();
    assert.throws(() => saveModel(model, out, { extraFiles: { "sub/dir/x.txt": "boom" } }));
    assert.deepEqual(readdirSync(out).sort(), before);
    assert.deepEqual(
      readdirSync(tmp).filter((f) => f.includes("tmp")),
      [],
    );
  });

  it("cleans up", () => rmSync(tmp, { recursive: true, force: true }));
});
