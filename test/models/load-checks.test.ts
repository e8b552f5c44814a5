// What loadModel refuses since issue 14 (cases 5 and 6): a weight holding NaN or ±Inf (the model
// would answer garbage, "!!!!", with exit 0) is an error naming the tensor, the file and the first
// bad element; checkpoint tensors the architecture does not use are an error naming them — in
// particular a config with fewer layers than the checkpoint, which used to load silently. Known
// buffers (GPT-2's attn.bias / masked_bias, Llama's rotary_emb.inv_freq) and a stored copy of a
// tied LM head still load.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { openCheckpoint } from "../../src/io/checkpoint.js";
import { writeSafetensors } from "../../src/io/safetensors-write.js";
import { loadModel } from "../../src/models/load.js";
import { fixtureDir, repoRoot } from "./golden-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "locedit-load-checks-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

type StoredDtype = "F32" | "F16" | "BF16";
type Tensors = Record<string, { dtype: StoredDtype; shape: number[]; data: Float32Array }>;

/** A copy of model folder `source` whose tensors `edit` may change, add or delete; `dtype` to store. */
function copyWith(source: string, edit: (tensors: Tensors) => void, dtype: StoredDtype = "F32"): string {
  const dir = mkdtempSync(join(tmp, "model-"));
  for (const file of ["config.json", "tokenizer.json"])
    try {
      copyFileSync(join(source, file), join(dir, file));
    } catch {
      // fixtures without a tokenizer
    }
  const checkpoint = openCheckpoint(source);
  const tensors: Tensors = {};
  for (const name of checkpoint.names())
    tensors[name] = { dtype, shape: checkpoint.info(name).shape, data: checkpoint.readFloat32(name) };
  checkpoint.close();
  edit(tensors);
  writeSafetensors(join(dir, "model.safetensors"), tensors);
  return dir;
}

const FACTS = join(repoRoot, "models", "tiny-facts");

describe("loadModel refuses non-finite weights", () => {
  // 16-bit tensors are checked on their stored bits, both when kept 16-bit (the default) and widened
  for (const [bad, dtype, load] of [
    [NaN, "F32", "stored"],
    [Infinity, "F32", "stored"],
    [-Infinity, "F16", "stored"],
    [NaN, "F16", "stored"],
    [Infinity, "BF16", "stored"],
    [NaN, "BF16", "stored"],
    [-Infinity, "BF16", "float32"],
  ] as const)
    it(`${bad} in a ${dtype} tensor (loaded ${load}) is named with its file and element`, () => {
      const dir = copyWith(
        FACTS,
        (t) => {
          t["h.2.mlp.c_fc.weight"].data[3 * 512 + 7] = bad; // stored [in, out] = [128, 512]
        },
        dtype,
      );
      assert.throws(
        () => loadModel(dir, { dtype: load }),
        (e: Error) =>
          e.message.startsWith(`${join(dir, "model.safetensors")}: tensor 'h.2.mlp.c_fc.weight' holds ${bad} at [3, 7]`) &&
          /1 non-finite value/.test(e.message),
      );
    });

  it("finite F16 and BF16 checkpoints load (largest finite values included)", () => {
    for (const dtype of ["F16", "BF16"] as const) {
      const dir = copyWith(
        FACTS,
        (t) => {
          t["h.2.mlp.c_fc.weight"].data[0] = dtype === "F16" ? 65504 : 3.3e38;
        },
        dtype,
      );
      assert.doesNotThrow(() => loadModel(dir));
    }
  });
});

describe("loadModel refuses tensors the architecture does not use", () => {
  it("a config with fewer layers than the checkpoint names the extra layer", () => {
    const dir = copyWith(FACTS, () => {});
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, n_layer: 3 }));
    assert.throws(
      () => loadModel(dir),
      new RegExp(
        `^Error: ${dir}: the checkpoint holds 12 tensors the gpt2 config \\(3 layers\\) does not use: ` +
          `h\\.3\\.attn\\.c_attn\\.bias, .*; the checkpoint has layers 0–3 but config\\.json asks for 3`,
      ),
    );
  });

  it("an unknown tensor is named; known buffers and a stored tied head load", () => {
    const extra = copyWith(fixtureDir("gpt2-tiny"), (t) => {
      t["h.0.mlp.c_gate.weight"] = { dtype: "F32", shape: [2], data: new Float32Array(2) };
    });
    assert.throws(() => loadModel(extra), /does not use: h\.0\.mlp\.c_gate\.weight$/);
    const buffers = copyWith(fixtureDir("gpt2-tiny"), (t) => {
      t["h.0.attn.bias"] = { dtype: "F32", shape: [1, 1, 4, 4], data: new Float32Array(16) };
      t["h.1.attn.masked_bias"] = { dtype: "F32", shape: [], data: new Float32Array([-1e4]) };
    });
    loadModel(buffers);
    const llama = copyWith(fixtureDir("llama-tiny"), (t) => {
      t["model.layers.0.self_attn.rotary_emb.inv_freq"] = { dtype: "F32", shape: [4], data: new Float32Array(4) };
    });
    loadModel(llama);
    const tied = copyWith(FACTS, (t) => {
      t["lm_head.weight"] = { ...t["wte.weight"], data: t["wte.weight"].data.slice() };
    });
    loadModel(tied);
  });
});
