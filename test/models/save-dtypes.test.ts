// saveModel in each dtype and with the checkpoint's own files reused: F32/F16/BF16 round trips
// give back exactly the values rounded to the dtype; saving a 16-bit model keeps it 16-bit by
// default; an edited sharded checkpoint is saved by rewriting only the shard that holds the
// changed tensor (the others hard-linked — same inode — or copied byte for byte), with the index
// unchanged and valid, and the patched shard differing from the original only inside that tensor;
// an explicit maxShardBytes writes a new layout instead of reusing the checkpoint's files.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openCheckpoint } from "../../src/io/checkpoint.js";
import { roundedTo } from "../../src/editing/editor/rounding.js";
import { HalfTensor } from "../../src/models/layers/weight.js";
import { loadModel } from "../../src/models/load.js";
import { saveModel } from "../../src/models/save.js";
import { fixtureDir } from "./golden-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "locedit-save-dtypes-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("saveModel dtypes", () => {
  for (const dtype of ["F32", "F16", "BF16"] as const)
    it(`${dtype}: the reloaded weights are the float32 ones rounded to ${dtype}`, () => {
      const model = loadModel(fixtureDir("gpt2-tiny"));
      const out = join(tmp, `gpt2-${dtype}`);
      const report = saveModel(model, out, { dtype });
      assert.equal(report.layout, dtype === "F32" ? "reused" : "written");
      const again = loadModel(out);
      for (const spec of model.specs) {
        const w = again.weight(spec.name);
        assert.equal(w instanceof HalfTensor ? w.dtype : "F32", dtype, spec.name);
      }
      for (const spec of model.specs)
        assert.deepEqual(again.param(spec.name), roundedTo(model.param(spec.name), dtype), spec.name);
    });

  it("a 16-bit model is saved in its own dtype by default, its file reused as it is", () => {
    const dir = join(tmp, "llama-bf16");
    saveModel(loadModel(fixtureDir("llama-tiny")), dir, { dtype: "BF16" });
    const out = join(tmp, "llama-bf16-again");
    const report = saveModel(loadModel(dir), out);
    assert.deepEqual(report.files, [{ name: "model.safetensors", how: "linked", tensors: [] }]);
    assert.equal(statSync(join(out, "model.safetensors")).ino, statSync(join(dir, "model.safetensors")).ino);
    assert.ok(loadModel(out).weight("model.layers.0.mlp.down_proj.weight") instanceof HalfTensor);
  });
});

describe("saveModel with maxShardBytes", () => {
  it("writes the tensors anew in shards of that size instead of reusing the checkpoint's file", () => {
    const model = loadModel(fixtureDir("gpt2-tiny")); // F32, one model.safetensors
    const out = join(tmp, "gpt2-resharded");
    const report = saveModel(model, out, { maxShardBytes: 70_000 });
    assert.equal(report.layout, "written");
    const files = readdirSync(out).filter((f) => f.startsWith("model"));
    assert.ok(files.includes("model.safetensors.index.json"), files.join(", "));
    assert.ok(files.filter((f) => f.endsWith(".safetensors")).length > 1, files.join(", "));
    const again = loadModel(out);
    for (const spec of model.specs)
      assert.deepEqual(again.param(spec.name), model.param(spec.name), spec.name);
  });
});

describe("saveModel of an edited sharded checkpoint", () => {
  const dir = join(tmp, "llama-sharded");
  // BF16, shards of at most 12 kB: several shards, tensors in sorted name order
  saveModel(loadModel(fixtureDir("llama-tiny")), dir, { dtype: "BF16", maxShardBytes: 12_000 });
  const shards = readdirSync(dir).filter((f) => f.endsWith(".safetensors"));
  const edited = "model.layers.1.mlp.down_proj.weight";
  const source = openCheckpoint(dir);
  const editedShard = source.fileOf(edited);
  const range = source.info(edited);
  source.close();

  function editAndSave(out: string, unchangedFiles: "hardlink" | "copy") {
    const model = loadModel(dir);
    const w = model.param(edited);
    for (let i = 0; i < w.length; i++) w[i] += 0.05 * Math.sin(i);
    model.param("model.layers.0.mlp.down_proj.weight"); // handed out but left unchanged
    return { model, report: saveModel(model, out, { unchangedFiles }) };
  }

  it("has several shards (the setting the test needs)", () => {
    assert.ok(shards.length >= 3, `${shards.length} shards`);
  });

  for (const mode of ["hardlink", "copy"] as const)
    it(`rewrites only the shard holding the changed tensor; the others ${mode === "hardlink" ? "hard-linked" : "copied"}`, () => {
      const out = join(tmp, `edited-${mode}`);
      const { model, report } = editAndSave(out, mode);
      assert.equal(report.layout, "reused");
      assert.deepEqual(report.changed, [edited]);
      for (const file of report.files) {
        const original = join(dir, file.name);
        const copy = join(out, file.name);
        if (join(dir, file.name) === editedShard) {
          assert.deepEqual(file, { name: file.name, how: "patched", tensors: [edited] });
          const [a, b] = [readFileSync(original), readFileSync(copy)];
          assert.equal(a.length, b.length);
          for (let i = 0; i < a.length; i++)
            if (a[i] !== b[i] && (i < range.byteOffset || i >= range.byteOffset + range.byteLength))
              assert.fail(`byte ${i} outside '${edited}' changed`);
        } else {
          assert.equal(file.how, mode === "hardlink" ? "linked" : "copied", file.name);
          assert.deepEqual(readFileSync(copy), readFileSync(original), file.name);
          const sameInode = statSync(copy).ino === statSync(original).ino;
          assert.equal(sameInode, mode === "hardlink", `${file.name}: same inode ${sameInode}`);
        }
      }
      assert.deepEqual(
        readFileSync(join(out, "model.safetensors.index.json")),
        readFileSync(join(dir, "model.safetensors.index.json")),
      );
      const again = loadModel(out);
      assert.deepEqual(again.param(edited), roundedTo(model.param(edited), "BF16"));
      const before = loadModel(dir);
      for (const spec of again.specs)
        if (spec.name !== edited && !spec.tiedTo)
          assert.deepEqual(again.param(spec.name), before.param(spec.name), spec.name);
    });

  it("after the weights are put back, every shard is reused unchanged", () => {
    const model = loadModel(dir);
    const w = model.param(edited);
    const original = w.slice();
    w[0] += 1;
    w.set(original);
    const report = saveModel(model, join(tmp, "restored"));
    assert.deepEqual(report.changed, []);
    assert.ok(report.files.every((f) => f.how === "linked"));
  });
});
