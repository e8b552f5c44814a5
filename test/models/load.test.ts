// loadModel on broken folders: every failure names the folder or file and the tensor or field,
// and a good folder with "transformer."-prefixed GPT-2 names loads as the official layout does.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openCheckpoint } from "../../src/io/checkpoint.js";
import { writeSafetensors } from "../../src/io/safetensors-write.js";
import { loadModel } from "../../src/models/load.js";
import { fixtureDir } from "./golden-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "locedit-load-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** A copy of fixture `name` whose tensors pass through `edit` (return null to drop one). */
function copyWith(name: string, edit: (tensor: string, shape: number[], data: Float32Array) => [number[], Float32Array] | null) {
  const dir = mkdtempSync(join(tmp, `${name}-`));
  copyFileSync(join(fixtureDir(name), "config.json"), join(dir, "config.json"));
  const source = openCheckpoint(fixtureDir(name));
  const tensors: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  for (const tensor of source.names()) {
    const kept = edit(tensor, source.info(tensor).shape, source.readFloat32(tensor));
    if (kept) tensors[tensor] = { dtype: "F32", shape: kept[0], data: kept[1] };
  }
  source.close();
  writeSafetensors(join(dir, "model.safetensors"), tensors);
  return dir;
}

describe("loadModel errors", () => {
  it("a tensor the config needs is missing", () => {
    const dir = copyWith("llama-tiny", (t, s, d) => (t === "model.layers.2.mlp.up_proj.weight" ? null : [s, d]));
    assert.throws(() => loadModel(dir), (e: Error) => e.message.includes(dir) && /'model\.layers\.2\.mlp\.up_proj\.weight' needed by the llama config is missing/.test(e.message));
  });

  it("a tensor has the wrong shape for the config", () => {
    const dir = copyWith("gptj-tiny", (t, s, d) =>
      t === "transformer.h.0.mlp.fc_in.bias" ? [[s[0] - 1], d.subarray(1)] : [s, d],
    );
    assert.throws(() => loadModel(dir), /'transformer\.h\.0\.mlp\.fc_in\.bias' has shape \[63\], expected \[64\]/);
  });

  it("a config that disagrees with the checkpoint (more layers) names the first missing tensor", () => {
    const dir = copyWith("gpt2-tiny", (_t, s, d) => [s, d]);
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, n_layer: 4 }));
    assert.throws(() => loadModel(dir), /'h\.3\.ln_1\.weight' needed by the gpt2 config is missing/);
  });

  it("a truncated safetensors file names the file", () => {
    const dir = copyWith("llama-tiny", (_t, s, d) => [s, d]);
    const file = join(dir, "model.safetensors");
    truncateSync(file, statSync(file).size - 100);
    assert.throws(() => loadModel(dir), (e: Error) => e.message.includes(file));
  });

  it("broken config.json names the file", () => {
    const dir = copyWith("llama-tiny", (_t, s, d) => [s, d]);
    writeFileSync(join(dir, "config.json"), "{ not json");
    assert.throws(() => loadModel(dir), (e: Error) => e.message.includes(join(dir, "config.json")));
  });

  it("GPT-2 tensors saved with the 'transformer.' prefix load like the official names", () => {
    const dir = copyWith("gpt2-tiny", (_t, s, d) => [s, d]);
    const prefixed = copyWith("gpt2-tiny", (_t, s, d) => [s, d]);
    const source = openCheckpoint(dir);
    const tensors: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
    for (const t of source.names()) tensors[`transformer.${t}`] = { dtype: "F32", shape: source.info(t).shape, data: source.readFloat32(t) };
    source.close();
    writeSafetensors(join(prefixed, "model.safetensors"), tensors);
    const a = loadModel(dir);
    const b = loadModel(prefixed);
    for (const spec of a.specs) assert.deepEqual(b.param(spec.name), a.param(spec.name), spec.name);
  });
});
