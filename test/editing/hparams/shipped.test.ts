// Every shipped file under hparams/ loads through the schema, fits the model it is named after,
// and holds the published values summarised in hparams/README.md.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import {
  checkHparamsAgainstModel,
  EDIT_METHODS,
  loadHparams,
  PAPER_MODELS,
  SHIPPED_MODELS,
  shippedHparamsDir,
  shippedHparamsFile,
  type EditMethod,
} from "../../../src/editing/hparams/index.js";
import { GPT2_XL, GPT_J, LLAMA3_8B, LLAMA32_3B, MISTRAL_7B, QWEN25_7B } from "./configs.js";

const CONFIGS = {
  "gpt2-xl": GPT2_XL,
  "gpt-j-6b": GPT_J,
  "llama3-8b": LLAMA3_8B,
  "qwen2.5-7b": QWEN25_7B,
  "mistral-7b": MISTRAL_7B,
  "llama3.2-3b": LLAMA32_3B,
};

test("every file under hparams/ passes the schema and the model check", () => {
  const dir = shippedHparamsDir();
  let count = 0;
  for (const method of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
    assert.ok(EDIT_METHODS.includes(method.name as EditMethod), `unknown method folder ${method.name}`);
    for (const file of readdirSync(join(dir, method.name)).filter((name) => name.endsWith(".json"))) {
      const h = loadHparams(method.name as EditMethod, join(dir, method.name, file));
      const model = file.replace(/(-blue)?\.json$/, "") as keyof typeof CONFIGS;
      assert.ok(model in CONFIGS, `${method.name}/${file}: unknown model`);
      assert.deepEqual(checkHparamsAgainstModel(h, CONFIGS[model]), [], `${method.name}/${file}`);
      assert.equal(h.blue, file.endsWith("-blue.json"), `${method.name}/${file}: blue flag`);
      count++;
    }
  }
  assert.equal(count, 4 * 3 + 3 * 3 + 3 + 1);
});

test("each method has a file per paper model, and a BLUE file except ROME; EasyEdit's MEMIT/AlphaEdit files", () => {
  for (const method of EDIT_METHODS)
    for (const model of PAPER_MODELS) {
      assert.ok(shippedHparamsFile(method, model), `${method}/${model}`);
      assert.equal(shippedHparamsFile(method, model, { blue: true }) !== undefined, method !== "rome");
    }
  assert.equal(shippedHparamsFile("memit", "gpt2-medium"), undefined);
  for (const model of SHIPPED_MODELS.filter((m) => !PAPER_MODELS.includes(m))) {
    assert.ok(shippedHparamsFile("memit", model), `memit/${model}`);
    assert.equal(shippedHparamsFile("memit", model, { blue: true }), undefined, "no published BLUE file");
    assert.equal(
      shippedHparamsFile("alphaedit", model) !== undefined,
      model === "qwen2.5-7b",
      `alphaedit/${model}`,
    );
  }
});

test("EasyEdit's values for Qwen2.5-7B, Mistral-7B, Llama3.2-3B (hparams/README.md)", () => {
  for (const model of ["qwen2.5-7b", "mistral-7b", "llama3.2-3b"]) {
    const h = loadHparams("memit", shippedHparamsFile("memit", model) as string);
    assert.deepEqual(
      [h.layers, h.v_lr, h.v_num_grad_steps, h.clamp_norm_factor, h.v_weight_decay, h.mom2_update_weight],
      [[4, 5, 6, 7, 8], 0.5, 25, 4, 0.001, 15000],
      model,
    );
    assert.equal(h.v_loss_layer, model === "mistral-7b" ? 31 : 27);
  }
  const alpha = loadHparams("alphaedit", shippedHparamsFile("alphaedit", "qwen2.5-7b") as string);
  assert.deepEqual([alpha.layers, alpha.L2, alpha.nullspace_threshold], [[4, 5, 6, 7, 8], 1, 0.02]);
});

test("published values (ARCHITECTURE.md §5, hparams/README.md)", () => {
  const load = (method: EditMethod, model: string, blue = false) =>
    loadHparams(method, shippedHparamsFile(method, model, { blue }) as string);
  const memitXl = load("memit", "gpt2-xl");
  assert.deepEqual(memitXl.layers, [13, 14, 15, 16, 17]);
  assert.deepEqual(
    [
      memitXl.v_lr,
      memitXl.v_num_grad_steps,
      memitXl.clamp_norm_factor,
      memitXl.kl_factor,
      memitXl.mom2_update_weight,
    ],
    [0.5, 20, 0.75, 0.0625, 20000],
  );
  const memitJ = load("memit", "gpt-j-6b");
  assert.deepEqual(
    [memitJ.layers, memitJ.v_num_grad_steps, memitJ.mom2_update_weight],
    [[3, 4, 5, 6, 7, 8], 25, 15000],
  );
  const memitLlama = load("memit", "llama3-8b");
  assert.deepEqual(
    [memitLlama.layers, memitLlama.v_lr, memitLlama.v_num_grad_steps, memitLlama.mom2_update_weight],
    [[4, 5, 6, 7, 8], 0.1, 25, 15000],
  );
  const l2 = (model: string, blue: boolean) => load("alphaedit", model, blue).L2;
  assert.deepEqual(
    [l2("gpt2-xl", false), l2("gpt2-xl", true), l2("gpt-j-6b", false), l2("gpt-j-6b", true)],
    [10, 80, 10, 95],
  );
  assert.deepEqual([l2("llama3-8b", false), l2("llama3-8b", true)], [10, 1]);
  for (const method of ["memit", "pmet", "alphaedit"] as const) {
    assert.deepEqual(load(method, "gpt2-xl", true).layers, [13, 17]);
    assert.deepEqual(load(method, "gpt-j-6b", true).layers, [3, 8]);
    assert.deepEqual(load(method, "llama3-8b", true).layers, [4, 8]);
  }
  assert.deepEqual(load("rome", "gpt2-xl").layers, [17]);
  assert.equal(load("rome", "gpt2-xl").clamp_norm_factor, 4);
  assert.equal(load("rome", "llama3-8b").mom2_adjustment, false);
  assert.equal(load("alphaedit", "gpt2-xl").nullspace_threshold, 0.02);
});
