// Tests for src/editing/hparams/resolve.ts: recognising the shipped models, choosing between an
// explicit file, the model's own file, a shipped file and derived defaults, and the errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  loadHparams,
  recognizeModel,
  resolveHparams,
  shippedHparamsFile,
} from "../../../src/editing/hparams/index.js";
import {
  gpt2,
  GPT2_XL,
  GPT_J,
  llama,
  LLAMA3_8B,
  LLAMA32_3B,
  MISTRAL_7B,
  QWEN25_7B,
  TINY,
} from "./configs.js";

function withTempDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), "locedit-hparams-"));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("recognizeModel: by architecture, depth, width (and Llama 3's vocabulary and MLP width)", () => {
  assert.equal(recognizeModel(GPT2_XL), "gpt2-xl");
  assert.equal(recognizeModel(GPT_J), "gpt-j-6b");
  assert.equal(recognizeModel(LLAMA3_8B), "llama3-8b");
  assert.equal(recognizeModel(llama(32000, 11008)), undefined, "Llama-2-7B has the same depth and width");
  assert.equal(recognizeModel(gpt2(48, 1280)), undefined);
  assert.equal(recognizeModel(TINY), undefined);
  assert.equal(recognizeModel(QWEN25_7B), "qwen2.5-7b");
  assert.equal(recognizeModel(MISTRAL_7B), "mistral-7b");
  assert.equal(recognizeModel({ ...MISTRAL_7B, vocabSize: 32768 }), "mistral-7b", "v0.3's vocabulary");
  assert.equal(recognizeModel(LLAMA32_3B), "llama3.2-3b");
  assert.equal(
    recognizeModel({ ...LLAMA3_8B, family: "mistral" }),
    undefined,
    "the family counts, not only the shape",
  );
  assert.equal(recognizeModel({ ...QWEN25_7B, family: "qwen3", qkvBias: false, qkNorm: true }), undefined);
});

test("a recognised model without a published BLUE file gets derived BLUE defaults", () => {
  const plain = resolveHparams({ method: "memit", modelDir: "/nonexistent", config: MISTRAL_7B });
  assert.match(plain.source, /hparams\/memit\/mistral-7b\.json$/);
  const blue = resolveHparams({ method: "memit", blue: true, modelDir: "/nonexistent", config: MISTRAL_7B });
  assert.equal(blue.source, "derived");
  assert.equal(blue.hparams.blue, true);
});

test("a recognised model gets its shipped file; BLUE its -blue file", () => {
  const plain = resolveHparams({ method: "memit", modelDir: "/nonexistent", config: GPT_J });
  assert.equal(plain.source, shippedHparamsFile("memit", "gpt-j-6b"));
  assert.deepEqual(plain.hparams.layers, [3, 4, 5, 6, 7, 8]);
  assert.equal(
    plain.derivation?.context_template_length_params !== undefined,
    true,
    "defaulted fields are listed",
  );
  assert.equal(plain.warnings, undefined);
  const blue = resolveHparams({
    method: "alphaedit",
    blue: true,
    modelDir: "/nonexistent",
    config: LLAMA3_8B,
  });
  assert.match(blue.source, /hparams\/alphaedit\/llama3-8b-blue\.json$/);
  assert.deepEqual([blue.hparams.layers, blue.hparams.L2, blue.hparams.blue], [[4, 8], 1, true]);
});

test("an unknown model gets derived defaults with reasons", () => {
  const resolved = resolveHparams({ method: "pmet", modelDir: "/nonexistent", config: TINY });
  assert.equal(resolved.source, "derived");
  assert.deepEqual(resolved.hparams.layers, [0, 1]);
  assert.ok(resolved.derivation?.layers);
  const withStats = resolveHparams({
    method: "memit",
    modelDir: "/nonexistent",
    config: TINY,
    stats: { 1: { meanKeyNormSq: 2, traceC: 1 }, 2: { meanKeyNormSq: 2, traceC: 1 } },
  });
  assert.equal(withStats.hparams.mom2_update_weight, 200);
});

test("an explicit file wins, then the model's own hparams/<method>[-blue].json", () => {
  withTempDir((dir) => {
    const modelDir = join(dir, "model");
    mkdirSync(join(modelDir, "hparams"), { recursive: true });
    const local = join(modelDir, "hparams", "memit.json");
    writeFileSync(local, JSON.stringify({ layers: [1], v_loss_layer: 3, v_lr: 0.25 }));
    const fromModel = resolveHparams({ method: "memit", modelDir, config: TINY });
    assert.equal(fromModel.source, local);
    assert.equal(fromModel.hparams.v_lr, 0.25);
    // No memit-blue.json beside the model: BLUE falls back to derived defaults.
    assert.equal(resolveHparams({ method: "memit", blue: true, modelDir, config: TINY }).source, "derived");

    const explicit = join(dir, "mine.json");
    writeFileSync(explicit, JSON.stringify({ layers: [0, 2], v_loss_layer: 3 }));
    const chosen = resolveHparams({ method: "memit", hparamsFile: explicit, modelDir, config: TINY });
    assert.equal(chosen.source, explicit);
    assert.deepEqual(chosen.hparams.layers, [0, 2]);
  });
});

test("blue from the caller overrides the file's, and the override is recorded and re-validated", () => {
  const file = shippedHparamsFile("memit", "gpt2-xl") as string;
  const resolved = resolveHparams({
    method: "memit",
    blue: true,
    hparamsFile: file,
    modelDir: "/x",
    config: GPT2_XL,
  });
  assert.equal(resolved.hparams.blue, true);
  assert.deepEqual(resolved.hparams.layers, [13, 14, 15, 16, 17]);
  assert.match(resolved.derivation?.blue ?? "", /set to true by the caller \(the file says false\)/);
  withTempDir((dir) => {
    const single = join(dir, "one-layer.json");
    writeFileSync(single, JSON.stringify({ layers: [1], v_loss_layer: 3 }));
    assert.throws(
      () => resolveHparams({ method: "memit", blue: true, hparamsFile: single, modelDir: dir, config: TINY }),
      /one-layer\.json with blue = true: field "layers" must list at least 2 layers when "blue" is true/,
    );
  });
});

test("a file that does not fit the model fails with the file's name; warnings come back", () => {
  const file = shippedHparamsFile("memit", "gpt2-xl") as string;
  assert.throws(
    () => resolveHparams({ method: "memit", hparamsFile: file, modelDir: "/x", config: TINY }),
    new RegExp(
      `^Error: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: field "layers" = \\[13,14,15,16,17\\]: layer 13`,
    ),
  );
  withTempDir((dir) => {
    const early = join(dir, "early.json");
    writeFileSync(early, JSON.stringify({ layers: [1], v_loss_layer: 2 }));
    const resolved = resolveHparams({ method: "memit", hparamsFile: early, modelDir: dir, config: TINY });
    assert.equal(resolved.warnings?.length, 1);
  });
});

test("loadHparams: missing file and invalid JSON name the file", () => {
  withTempDir((dir) => {
    const missing = join(dir, "missing.json");
    assert.throws(
      () => loadHparams("memit", missing),
      /missing\.json: cannot read the hyperparameter file: no such file or folder \(ENOENT\)/,
    );
    const broken = join(dir, "broken.json");
    writeFileSync(broken, '{\n  "layers": [1, 2],\n  "v_lr": 0.5,,\n}');
    assert.throws(() => loadHparams("memit", broken), /broken\.json: invalid JSON at line 3/);
    const typo = join(dir, "typo.json");
    writeFileSync(typo, JSON.stringify({ layers: [1], v_loss_layer: 3, kl_facter: 1 }));
    assert.throws(
      () => loadHparams("memit", typo),
      /typo\.json: unknown field "kl_facter" \(did you mean "kl_factor"\?\)/,
    );
  });
});
