// Tests for src/editing/hparams/schema.ts: parseHparams fills published defaults, keeps the
// reference's informational fields out of the way, and rejects every malformed field with an
// error naming the file, the field and what was expected.
import { test } from "node:test";
import assert from "node:assert/strict";
import { methodDefaults, parseHparams } from "../../../src/editing/hparams/index.js";

const FILE = "hparams/memit/gpt2-xl.json";
const minimal = { layers: [13, 14, 15, 16, 17], v_loss_layer: 47 };

test("a minimal file gets the method's published defaults", () => {
  const h = parseHparams("memit", minimal, FILE);
  assert.deepEqual(h.layers, [13, 14, 15, 16, 17]);
  assert.equal(h.v_loss_layer, 47);
  assert.equal(h.v_lr, 0.5);
  assert.equal(h.v_num_grad_steps, 20);
  assert.equal(h.clamp_norm_factor, 0.75);
  assert.equal(h.kl_factor, 0.0625);
  assert.equal(h.mom2_update_weight, 20000);
  assert.equal(h.blue, false);
  assert.deepEqual(h.context_template_length_params, [[10, 5]]);
  const rome = parseHparams("rome", { layers: [17], v_loss_layer: 47 }, "rome.json");
  assert.equal(rome.clamp_norm_factor, 4);
  assert.deepEqual(rome.context_template_length_params, [
    [5, 10],
    [10, 10],
  ]);
  const pmet = parseHparams("pmet", minimal, "pmet.json");
  assert.deepEqual(
    [pmet.v_num_grad_steps, pmet.v_lr, pmet.kl_factor, pmet.mom2_update_weight],
    [30, 0.2, 1, 6000],
  );
});

test("values given in the file win, and the result shares no arrays with the defaults or the input", () => {
  const input = { ...minimal, v_lr: 0.1, context_template_length_params: [[5, 10]] };
  const h = parseHparams("memit", input, FILE);
  assert.equal(h.v_lr, 0.1);
  h.context_template_length_params[0][0] = 99;
  h.layers.push(18);
  assert.deepEqual(input.context_template_length_params, [[5, 10]]);
  assert.deepEqual(input.layers, [13, 14, 15, 16, 17]);
  assert.deepEqual(methodDefaults("memit").context_template_length_params, [[10, 5]]);
  const again = parseHparams("memit", minimal, FILE);
  assert.deepEqual(again.context_template_length_params, [[10, 5]]);
});

test("the reference's informational fields are accepted and ignored", () => {
  const h = parseHparams(
    "pmet",
    {
      ...minimal,
      model_name: "gpt2-xl",
      layer_selection: "all",
      rewrite_module_tmp: "transformer.h.{}.mlp.c_proj",
      rewrite_module_tmps: ["transformer.h.{}.mlp.c_proj"],
      layer_module_tmp: "transformer.h.{}",
      mlp_module_tmp: "transformer.h.{}.mlp",
      attn_module_tmp: "transformer.h.{}.attn",
      ln_f_module: "transformer.ln_f",
      lm_head_module: "lm_head",
      mom2_dataset: "wikipedia",
      stats_dir: "data/stats",
      edit_layer: -1,
    },
    FILE,
  );
  assert.equal("model_name" in h, false);
  assert.equal("rewrite_module_tmp" in h, false);
});

test("each malformed field is named with what was expected and what was found", () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [
      { v_lr: "0.5" },
      /^Error: hparams\/memit\/gpt2-xl\.json: field "v_lr" must be a positive number, got "0\.5"$/,
    ],
    [{ v_lr: 0 }, /field "v_lr" must be a positive number, got 0/],
    [{ v_lr: -1 }, /field "v_lr" must be a positive number, got -1/],
    [{ v_num_grad_steps: 2.5 }, /field "v_num_grad_steps" must be a positive integer, got 2\.5/],
    [{ mom2_n_samples: 0 }, /field "mom2_n_samples" must be a positive integer, got 0/],
    [{ kl_factor: -0.1 }, /field "kl_factor" must be a number ≥ 0, got -0\.1/],
    [{ v_weight_decay: null }, /field "v_weight_decay" must be a number ≥ 0, got null/],
    [{ clamp_norm_factor: Infinity }, /field "clamp_norm_factor" must be a positive number/],
    [{ mom2_update_weight: [20000] }, /field "mom2_update_weight" must be a positive number, got \[20000\]/],
    [{ blue: "yes" }, /field "blue" must be true or false, got "yes"/],
    [
      { fact_token: "subject_first_after_last" },
      /field "fact_token" must be one of "subject_last", "subject_first", "last"/,
    ],
    [{ mom2_dtype: "float16" }, /field "mom2_dtype" must be one of "float32", "float64", got "float16"/],
    [{ v_loss_layer: -1 }, /field "v_loss_layer" must be a layer index \(integer ≥ 0\), got -1/],
    [{ layers: [] }, /field "layers" must be a non-empty array of layer indices .* got \[\]/],
    [{ layers: [14, 13] }, /field "layers" must be .* strictly ascending order, got \[14,13\]/],
    [{ layers: [13, 13] }, /field "layers" .* got \[13,13\]/],
    [{ layers: [-1, 2] }, /field "layers" .* got \[-1,2\]/],
    [{ layers: "13-17" }, /field "layers" .* got "13-17"/],
    [{ layers: [1.5] }, /field "layers" .* got \[1\.5\]/],
    [
      { context_template_length_params: [[10, 3]] },
      /field "context_template_length_params" must be .* multiple of 5/,
    ],
    [{ context_template_length_params: [10, 5] }, /field "context_template_length_params"/],
    [{ nullspace_threshold: 0 }, /field "nullspace_threshold" must be a positive number/],
    [{ L2: -10 }, /field "L2" must be a positive number/],
    [{ nll_loss_factor: "1" }, /field "nll_loss_factor" must be a positive number, got "1"/],
    [{ mom2_adjustment: 1 }, /field "mom2_adjustment" must be true or false, got 1/],
  ];
  for (const [change, pattern] of cases)
    assert.throws(
      () => parseHparams("memit", { ...minimal, ...change }, FILE),
      pattern,
      JSON.stringify(change),
    );
});

test("required fields: layers and v_loss_layer always, nullspace_threshold and L2 for AlphaEdit", () => {
  assert.throws(
    () => parseHparams("memit", { v_loss_layer: 47 }, FILE),
    /field "layers" is required for memit \(a non-empty array/,
  );
  assert.throws(
    () => parseHparams("rome", { layers: [17] }, "r.json"),
    /^Error: r\.json: field "v_loss_layer" is required/,
  );
  assert.throws(
    () => parseHparams("alphaedit", { ...minimal, L2: 10 }, "a.json"),
    /^Error: a\.json: field "nullspace_threshold" is required for alphaedit \(a positive number\)$/,
  );
  assert.throws(
    () => parseHparams("alphaedit", { ...minimal, nullspace_threshold: 0.02 }, "a.json"),
    /field "L2" is required/,
  );
  const h = parseHparams("alphaedit", { ...minimal, nullspace_threshold: 0.02, L2: 80 }, "a.json");
  assert.equal(h.L2, 80);
});

test("method rules: ROME edits one layer without BLUE; BLUE needs two layers; C0 is always used by the batch methods", () => {
  assert.throws(
    () => parseHparams("rome", { layers: [16, 17], v_loss_layer: 47 }, "r.json"),
    /^Error: r\.json: field "layers" must list exactly one layer for rome \(a rank-one edit\), got \[16,17\]/,
  );
  assert.throws(
    () => parseHparams("rome", { layers: [17], v_loss_layer: 47, blue: true }, "r.json"),
    /field "blue" must be false for rome: BLUE applies to memit, pmet and alphaedit/,
  );
  for (const method of ["memit", "pmet"] as const)
    assert.throws(
      () => parseHparams(method, { layers: [17], v_loss_layer: 47, blue: true }, "b.json"),
      /field "layers" must list at least 2 layers when "blue" is true .* got \[17\]/,
    );
  assert.equal(
    parseHparams("memit", { layers: [13, 17], v_loss_layer: 47, blue: true }, "b.json").blue,
    true,
  );
  assert.throws(
    () => parseHparams("memit", { ...minimal, mom2_adjustment: false }, FILE),
    /field "mom2_adjustment" must be true for memit/,
  );
  assert.equal(
    parseHparams("rome", { layers: [5], v_loss_layer: 31, mom2_adjustment: false }, "r").mom2_adjustment,
    false,
  );
});

test("unknown fields are typos until proven otherwise; neutral-only informational fields", () => {
  assert.throws(
    () => parseHparams("memit", { ...minimal, v_lrr: 0.5 }, FILE),
    /^Error: hparams\/memit\/gpt2-xl\.json: unknown field "v_lrr" \(did you mean "v_lr"\?\); known fields: layers, blue/,
  );
  assert.throws(
    () => parseHparams("memit", { ...minimal, mom2_update_wieght: 1 }, FILE),
    /did you mean "mom2_update_weight"/,
  );
  assert.throws(
    () => parseHparams("memit", { ...minimal, zzzzzzzzzz: 1 }, FILE),
    /unknown field "zzzzzzzzzz"; known/,
  );
  assert.throws(
    () => parseHparams("memit", { ...minimal, layer_selection: "random" }, FILE),
    /field "layer_selection" is only accepted as "all" \(locedit does not implement other values\), got "random"/,
  );
  assert.throws(
    () => parseHparams("memit", { ...minimal, edit_layer: 15 }, FILE),
    /field "edit_layer" is only accepted as -1/,
  );
});

test("every problem of a file is reported at once, one line each", () => {
  const error = (() => {
    try {
      parseHparams("memit", { layers: [], v_lr: "x", bogus: 1 }, FILE);
    } catch (e) {
      return e as Error;
    }
    throw new Error("expected a throw");
  })();
  const lines = error.message.split("\n");
  assert.equal(lines.length, 4, error.message);
  for (const line of lines) assert.ok(line.startsWith(`${FILE}: `), line);
  assert.match(error.message, /field "layers"/);
  assert.match(error.message, /field "v_lr"/);
  assert.match(error.message, /unknown field "bogus"/);
  assert.match(error.message, /field "v_loss_layer" is required/);
});

test("non-object input and unknown methods are rejected by name", () => {
  assert.throws(
    () => parseHparams("memit", [1, 2], FILE),
    /hyperparameters must be a JSON object, got \[1,2\]/,
  );
  assert.throws(() => parseHparams("memit", null, FILE), /must be a JSON object, got null/);
  assert.throws(
    () => parseHparams("grace" as "memit", minimal, FILE),
    /unknown editing method "grace"; expected one of rome, memit, pmet, alphaedit/,
  );
});
