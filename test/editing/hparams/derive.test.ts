// Tests for src/editing/hparams/derive.ts: the critical-window rule, BLUE and ROME layers, the
// small-model clamp, λ scaled from key statistics, and a reason for every field.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  checkHparamsAgainstModel,
  criticalWindow,
  deriveHparams,
  EDIT_METHODS,
  LAMBDA_KEY_BUDGET,
} from "../../../src/editing/hparams/index.js";
import { gpt2, GPT2_XL, TINY } from "./configs.js";

test("criticalWindow: up to 5 layers ending at 0.3 of the depth, never the last layer", () => {
  const expected: Array<[number, number[]]> = [
    [1, [0]],
    [2, [0]],
    [3, [0, 1]],
    [4, [0, 1]],
    [5, [0, 1, 2]],
    [8, [0, 1, 2]],
    [11, [0, 1, 2, 3]],
    [12, [0, 1, 2, 3, 4]],
    [24, [3, 4, 5, 6, 7]],
    [28, [4, 5, 6, 7, 8]],
    [32, [6, 7, 8, 9, 10]],
    [48, [10, 11, 12, 13, 14]],
  ];
  for (const [n, layers] of expected) assert.deepEqual(criticalWindow(n), layers, `${n} layers`);
  for (let n = 3; n <= 96; n++) {
    const window = criticalWindow(n);
    assert.ok(window[window.length - 1] <= n - 2, `${n}: the last layer is never edited`);
    assert.ok(window.length >= 2 && window.length <= 5, `${n}: window ${window}`);
  }
  assert.throws(() => criticalWindow(0), /at least one layer, got 0/);
});

test("derived hyperparameters for the 4-layer tiny model, per method", () => {
  const memit = deriveHparams("memit", TINY);
  assert.deepEqual(memit.hparams.layers, [0, 1]);
  assert.equal(memit.hparams.v_loss_layer, 3);
  assert.equal(memit.hparams.clamp_norm_factor, 3);
  assert.equal(memit.hparams.mom2_update_weight, 20000);
  assert.equal(memit.hparams.blue, false);
  assert.match(memit.derivation.layers, /ending at round\(0.3·4\)/);
  assert.match(memit.derivation.clamp_norm_factor, /small model \(4 layers, hidden 128\): 3/);
  assert.match(memit.derivation.mom2_update_weight, /no key statistics given/);

  const rome = deriveHparams("rome", TINY);
  assert.deepEqual(rome.hparams.layers, [1]);
  assert.equal(rome.hparams.clamp_norm_factor, 4);
  assert.match(rome.derivation.layers, /last layer of the MEMIT window/);

  const blue = deriveHparams("alphaedit", TINY, { blue: true });
  assert.deepEqual(blue.hparams.layers, [0, 1]);
  assert.equal(blue.hparams.blue, true);
  assert.equal(blue.hparams.L2, 10);
  assert.match(blue.derivation.layers, /^BLUE: the first and last layers of the window/);
});

test("BLUE on very shallow models: 3 layers use [0, 1]; 2 layers are too few", () => {
  assert.deepEqual(deriveHparams("memit", gpt2(3, 64), { blue: true }).hparams.layers, [0, 1]);
  assert.throws(
    () => deriveHparams("pmet", gpt2(2, 64), { blue: true }),
    /BLUE needs two critical layers below the last one; a 2-layer model has too few/,
  );
  assert.throws(() => deriveHparams("rome", TINY, { blue: true }), /field "blue" must be false for rome/);
});

test("large models keep the published clamp; BLUE keeps the window's boundary", () => {
  const big = gpt2(36, 1280);
  const derived = deriveHparams("memit", big, { blue: true });
  assert.deepEqual(derived.hparams.layers, [7, 11]);
  assert.equal(derived.hparams.v_loss_layer, 35);
  assert.equal(derived.hparams.clamp_norm_factor, 0.75);
  // The shipped-model shapes give windows like the published ones.
  assert.deepEqual(deriveHparams("memit", GPT2_XL).hparams.layers, [10, 11, 12, 13, 14]);
});

test("λ = 100 · mean‖k‖² / tr C0 from key statistics (record, Map or function), for MEMIT and PMET", () => {
  const stats = { 0: { meanKeyNormSq: 40, traceC: 20 }, 1: { meanKeyNormSq: 30, traceC: 10 } };
  const expected = LAMBDA_KEY_BUDGET * ((40 / 20 + 30 / 10) / 2);
  assert.equal(deriveHparams("memit", TINY, { stats }).hparams.mom2_update_weight, expected);
  const map = new Map(Object.entries(stats).map(([layer, s]) => [Number(layer), s]));
  assert.equal(deriveHparams("pmet", TINY, { stats: map }).hparams.mom2_update_weight, expected);
  const onlyLayer2 = deriveHparams("memit", TINY, { stats: (layer) => (layer === 1 ? stats[1] : undefined) });
  assert.equal(onlyLayer2.hparams.mom2_update_weight, 300);
  assert.match(
    onlyLayer2.derivation.mom2_update_weight,
    /^100 · mean‖k‖² \/ tr C0 averaged over layers 1 \(= 300\.0\)/,
  );
  // AlphaEdit and ROME do not use λ: the published value stays.
  const alpha = deriveHparams("alphaedit", TINY, { stats });
  assert.equal(alpha.hparams.mom2_update_weight, 20000);
  // …but a small model's ridge L2 follows its keys' energy: mean(40, 30) / 100
  assert.equal(alpha.hparams.L2, 0.35);
  assert.match(alpha.derivation.L2, /mean‖k‖² \/ 100/);
  assert.throws(
    () => deriveHparams("memit", TINY, { stats: { 0: { meanKeyNormSq: 0, traceC: 1 } } }),
    /stats for layer 0: "meanKeyNormSq" must be a positive number, got 0/,
  );
});

test("every method on every depth gives a record that passes the schema and the model check, with a reason per field", () => {
  for (const method of EDIT_METHODS)
    for (const n of [1, 2, 3, 4, 6, 12, 28, 48])
      for (const blue of method === "rome" || n < 3 ? [false] : [false, true]) {
        const config = gpt2(n, 256);
        const { hparams, derivation } = deriveHparams(method, config, { blue });
        assert.deepEqual(checkHparamsAgainstModel(hparams, config), [], `${method} n=${n} blue=${blue}`);
        for (const key of Object.keys(hparams)) assert.ok(derivation[key], `${method}: no reason for ${key}`);
      }
});

test("reasons name the code a default comes from and fields the method does not read", () => {
  const memit = deriveHparams("memit", TINY).derivation;
  assert.match(memit.context_template_length_params, /memit_main\.py/);
  assert.match(memit.L2, /^not used by memit \(default kept from alphaedit\)/);
  assert.match(memit.nll_loss_factor, /^not used by memit \(default kept from pmet\)/);
  assert.match(deriveHparams("rome", TINY).derivation.mom2_update_weight, /^not used by rome/);
  assert.match(deriveHparams("rome", TINY).derivation.context_template_length_params, /rome_main\.py/);
  assert.match(deriveHparams("alphaedit", TINY).derivation.L2, /AlphaEdit's published GPT2-XL value/);
});
