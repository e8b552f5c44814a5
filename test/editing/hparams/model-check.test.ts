// Tests for src/editing/hparams/model-check.ts: layers and v_loss_layer against the model's depth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkHparamsAgainstModel, parseHparams } from "../../../src/editing/hparams/index.js";
import { GPT2_XL, TINY } from "./configs.js";

const memit = (fields: Record<string, unknown>) => parseHparams("memit", fields, "m.json");

test("published GPT2-XL values fit GPT2-XL without warnings", () => {
  assert.deepEqual(checkHparamsAgainstModel(memit({ layers: [13, 17], v_loss_layer: 47 }), GPT2_XL), []);
});

test("layers and v_loss_layer beyond the model are errors naming the field and the file", () => {
  assert.throws(
    () =>
      checkHparamsAgainstModel(
        memit({ layers: [13, 14], v_loss_layer: 47 }),
        TINY,
        "hparams/memit/gpt2-xl.json",
      ),
    (error: Error) =>
      /^hparams\/memit\/gpt2-xl\.json: field "layers" = \[13,14\]: layer 13, 14 is beyond the model's 4 layers \(0–3\)$/m.test(
        error.message,
      ) &&
      /field "v_loss_layer" = 47 is beyond the model's 4 layers; the references use the last layer, 3/.test(
        error.message,
      ),
  );
});

test("an edited layer after the loss layer, or at the last layer, cannot reach the prediction", () => {
  assert.throws(
    () => checkHparamsAgainstModel(memit({ layers: [1, 2], v_loss_layer: 1 }), TINY),
    /field "layers": layer 2 lies after "v_loss_layer" = 1/,
  );
  assert.throws(
    () => checkHparamsAgainstModel(memit({ layers: [2, 3], v_loss_layer: 3 }), TINY),
    /field "layers" includes the model's last layer 3/,
  );
  // With fact_token "last" the edit sits at the predicting position itself.
  assert.deepEqual(
    checkHparamsAgainstModel(memit({ layers: [2, 3], v_loss_layer: 3, fact_token: "last" }), TINY),
    [],
  );
});

test("a v_loss_layer below the last layer is allowed with a warning", () => {
  const warnings = checkHparamsAgainstModel(memit({ layers: [1], v_loss_layer: 2 }), TINY, "x.json");
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^x\.json: field "v_loss_layer" = 2, not the model's last layer 3/);
});
