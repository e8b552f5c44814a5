// What saving in a 16-bit dtype keeps of an edit (rounding.ts): a ΔW below bfloat16's resolution
// is lost whole (lost fraction 1), a large one almost not at all; an Editor on a BF16 model
// records the loss and the efficacy before and after rounding in edit-log.json, and the CLI line
// warns with the numbers; saving in F32 keeps the float32 edit exactly.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { WeightSnapshot } from "../../../src/editing/apply-deltas.js";
import { Editor } from "../../../src/editing/editor/editor.js";
import { measureRoundingLoss } from "../../../src/editing/editor/rounding.js";
import { describeRounding } from "../../../src/cli/commands/edit.js";
import { loadModel } from "../../../src/models/load.js";
import { saveModel } from "../../../src/models/save.js";
import type { Tokenizer } from "../../../src/tokenizers/tokenizer.js";
import { fixtureDir, repoRoot } from "../../models/golden-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "locedit-rounding-"));
after(() => rmSync(tmp, { recursive: true, force: true }));
const noTokenizer = null as unknown as Tokenizer; // no request to score

describe("measureRoundingLoss", () => {
  const dir = join(tmp, "gpt2-bf16");
  saveModel(loadModel(fixtureDir("gpt2-tiny")), dir, { dtype: "BF16" });
  const name = "h.1.mlp.c_proj.weight";

  function lossAfter(delta: (w: Float32Array, i: number) => number) {
    const model = loadModel(dir);
    const snapshot = new WeightSnapshot(model);
    snapshot.keep(name);
    const w = model.param(name);
    const edited = Float32Array.from(w, (x, i) => x + delta(w, i));
    w.set(edited);
    const loss = measureRoundingLoss(model, noTokenizer, [], snapshot, () => "BF16")!;
    assert.deepEqual(model.param(name), edited, "the model is left as it was");
    return loss.weights[0];
  }

  it("a ΔW below bfloat16's resolution is lost whole", () => {
    // |w| ≥ 2^-8 has a bfloat16 step ≥ 2^-15; a change of 2^-20 rounds back to w
    const r = lossAfter((w, i) => (Math.abs(w[i]) >= 2 ** -8 ? 2 ** -20 : 0));
    assert.ok(r.delta_norm > 0);
    assert.ok(Math.abs(r.lost_fraction - 1) < 1e-6, `lost ${r.lost_fraction}`);
  });

  it("a large ΔW is kept up to bfloat16's relative precision", () => {
    const r = lossAfter((_, i) => 0.5 * Math.cos(i));
    assert.ok(r.lost_fraction > 0 && r.lost_fraction < 2 ** -8, `lost ${r.lost_fraction}`);
  });

  it("is null when every weight is written in float32", () => {
    const model = loadModel(dir);
    const snapshot = new WeightSnapshot(model);
    snapshot.keep(name);
    assert.equal(
      measureRoundingLoss(model, noTokenizer, [], snapshot, () => "F32"),
      null,
    );
  });
});

describe("Editor.save on a BF16 model", () => {
  const source = join(repoRoot, "models", "tiny-facts");
  const dir = join(tmp, "tiny-facts-bf16");
  saveModel(loadModel(source), dir, { dtype: "BF16", copyFilesFrom: source });
  const request = {
    prompt: "{} holds a passport from",
    subject: "Zira Kudor",
    targetNew: "Germany",
    targetTrue: "Nigeria",
  };
  const hparams = {
    layers: [0, 1],
    v_loss_layer: 3,
    v_num_grad_steps: 6,
    clamp_norm_factor: 3,
    mom2_update_weight: 40,
  };
  const stats = { dir: join(tmp, "stats"), corpus: [join(source, "eval", "corpus.txt")], samples: 200 };

  it("records what rounding to BF16 loses, and F32 keeps the edit exactly", async () => {
    const editor = await Editor.fromPretrained(dir, { method: "memit", blue: true, hparams, stats });
    await editor.edit([request]);
    const out = join(tmp, "edited-bf16");
    const { rounding, files } = editor.save(out);
    assert.ok(rounding, "a rounding report for a BF16 save");
    assert.deepEqual(rounding.weights.map((w) => w.weight).sort(), [
      "h.0.mlp.c_proj.weight",
      "h.1.mlp.c_proj.weight",
    ]);
    for (const w of rounding.weights)
      assert.ok(w.delta_norm > 0 && w.lost_norm > 0 && w.dtype === "BF16", JSON.stringify(w));
    assert.equal(rounding.efficacy.float32, 100);
    assert.ok(rounding.efficacy.rounded !== null && rounding.target_probability.rounded > 0);
    assert.deepEqual(files.changed.sort(), ["h.0.mlp.c_proj.weight", "h.1.mlp.c_proj.weight"]);
    const log = JSON.parse(readFileSync(join(out, "edit-log.json"), "utf8"));
    assert.deepEqual(log.saved.rounding.weights, JSON.parse(JSON.stringify(rounding.weights)));
    const line = describeRounding(rounding);
    assert.match(line, /saving the edited weights as BF16 rounds away \d+\.\d\d% of ‖ΔW‖/);
    assert.match(line, /efficacy 100\.0% → \d+\.\d%, mean P\(target_new\) \d\.\d{4} → \d\.\d{4}/);

    const wide = join(tmp, "edited-f32");
    assert.equal(editor.save(wide, { dtype: "F32" }).rounding, null);
    const reloaded = loadModel(wide);
    for (const w of rounding.weights)
      assert.deepEqual(reloaded.param(w.weight), editor.model.param(w.weight));
  });

  it("the CLI line is a warning when a visible share of ΔW is lost", () => {
    const line = describeRounding({
      weights: [{ weight: "w", dtype: "BF16", delta_norm: 1, lost_norm: 0.3, lost_fraction: 0.3 }],
      worst: 0.3,
      efficacy: { float32: 100, rounded: 50 },
      target_probability: { float32: 0.9, rounded: 0.4 },
    });
    assert.match(
      line,
      /^warning: saving the edited weights as BF16 rounds away 30\.00% of ‖ΔW‖ \(worst: w\); efficacy 100\.0% → 50\.0%/,
    );
    assert.match(line, /--dtype F32 keeps the edit exactly$/);
  });
});
