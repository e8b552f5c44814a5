// The Editor: sequential batches on one model (AlphaEdit's cache_c grows by each batch's K Kᵀ),
// bit-exact restore, an edited folder that loads again with the same weights, request validation
// hyperparameter overrides with errors naming the field, and derived hyperparameters resolved once
// at the first batch (λ from its keys).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Editor } from "../../../src/editing/editor/editor.js";
import { computeKeys } from "../../../src/editing/compute-ks.js";
import { prepareRequests } from "../../../src/editing/prepare/prepare-requests.js";
import { parseRequests } from "../../../src/editing/requests/index.js";
import { loadModel } from "../../../src/models/load.js";
import { eye } from "../../../src/tensor/index.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { repoRoot } from "../../models/golden-helpers.js";
import { copyParams, sameParams } from "../helpers.js";

const MODEL = join(repoRoot, "models", "tiny-facts");
const CORPUS = join(MODEL, "eval", "corpus.txt");
const RECORDS = JSON.parse(readFileSync(join(MODEL, "eval", "counterfact.json"), "utf8")).slice(0, 4);
const FAST = {
  layers: [0, 1],
  v_loss_layer: 3,
  v_num_grad_steps: 6,
  clamp_norm_factor: 3,
  mom2_update_weight: 40,
};

describe("Editor", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-editor-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const stats = { dir: join(work, "stats"), corpus: [CORPUS], samples: 200 };

  it("edits batch after batch, keeps AlphaEdit's key Gram, restores bit for bit", async () => {
    const editor = await Editor.fromPretrained(MODEL, {
      method: "alphaedit",
      hparams: { ...FAST, L2: 1 },
      stats,
    });
    const original = copyParams(editor.model);
    const first = await editor.edit(RECORDS.slice(0, 2));
    const second = await editor.edit(RECORDS.slice(2, 4));
    assert.deepEqual([first.batch, second.batch], [1, 2]);
    assert.deepEqual(first.layers, [0, 1]);
    assert.equal(editor.editLog().requests, 4);
    assert.deepEqual(sameParams(editor.model, original).sort(), [
      "h.0.mlp.c_proj.weight",
      "h.1.mlp.c_proj.weight",
    ]);
    editor.restore();
    assert.deepEqual(sameParams(editor.model, original), []);
    assert.equal(editor.history.length, 0);
  });

  it("saves a folder that loads with the edited weights and carries edit-log.json", async () => {
    const editor = await Editor.fromPretrained(MODEL, { method: "memit", blue: true, hparams: FAST, stats });
    const log = await editor.edit([
      {
        prompt: "{} holds a passport from",
        subject: "Zira Kudor",
        targetNew: "Germany",
        targetTrue: "Nigeria",
      },
    ]);
    assert.equal(log.requests[0].target_new, " Germany");
    const out = join(work, "saved");
    editor.save(out);
    const reloaded = loadModel(out);
    for (const name of ["h.0.mlp.c_proj.weight", "h.1.mlp.c_proj.weight", "h.2.mlp.c_proj.weight"])
      assert.deepEqual(reloaded.param(name), editor.model.param(name), name);
    const file = JSON.parse(readFileSync(join(out, "edit-log.json"), "utf8"));
    assert.equal(file.method, "memit");
    assert.equal(file.blue, true);
    assert.equal(file.batches.length, 1);
  });

  it("rejects bad requests and bad hyperparameters, naming the culprit", async () => {
    await assert.rejects(
      Editor.fromPretrained(MODEL, { method: "memit", hparams: { ...FAST, v_lr: -1 }, stats }),
      /v_lr/,
    );
    await assert.rejects(
      Editor.fromPretrained(MODEL, { method: "memit", hparams: { ...FAST, layers: [0, 9] }, stats }),
      /layer/,
    );
    const editor = await Editor.fromPretrained(MODEL, { method: "memit", hparams: FAST, stats });
    const before = copyParams(editor.model);
    await assert.rejects(
      editor.edit([{ prompt: "{} was born in", subject: "Zira Kudor", targetNew: "" }]),
      /target/,
    );
    await assert.rejects(
      editor.edit([{ prompt: "{} was born in", subject: "", targetNew: " Paris" }]),
      /subject/,
    );
    await assert.rejects(
      editor.edit([
        { prompt: "{} was born in", subject: "Zira Kudor", targetNew: " Paris" },
        { prompt: "{} was born in", subject: "Zira Kudor", targetNew: " Rome" },
      ]),
      /conflict|different/i,
    );
    assert.deepEqual(sameParams(editor.model, before), [], "a rejected batch changed the model");
  });

  it("without statistics for a layer and no corpus, says how to compute them", async () => {
    const editor = await Editor.fromPretrained(MODEL, {
      method: "memit",
      hparams: FAST,
      stats: { dir: join(work, "none") },
    });
    await assert.rejects(editor.edit(RECORDS.slice(0, 1)), /locedit stats --model/);
  });

  it("resolves derived hyperparameters once, at the first batch, with λ from that batch's keys", async () => {
    const model = loadModel(MODEL);
    const tokenizer = await loadTokenizer(MODEL);
    const F = model.config.intermediateSize;
    const noHparams = mkdtempSync(join(work, "derived-")); // no hparams/ here: defaults are derived
    const editor = Editor.fromModel(model, tokenizer, noHparams, {
      method: "memit",
      hparams: { v_num_grad_steps: 2 },
      covariance: () => eye(F, "f64").data, // tr C0 = F
      contextTemplates: [["{}"]],
    });
    assert.equal(editor.resolved.source, "derived");
    assert.match(editor.resolved.derivation!.mom2_update_weight, /no key statistics/);
    const batch = RECORDS.slice(0, 2);
    const first = await editor.edit(batch);
    // λ = 100 · mean‖k‖² / tr C0, averaged over the updated layers, keys of the first batch (unedited model)
    const fresh = loadModel(MODEL);
    const prepared = prepareRequests(tokenizer, parseRequests(batch, "test"), [["{}"]], "subject_last");
    const ratios = editor.updatedLayers.map((layer) => {
      const keys = computeKeys(fresh, prepared, layer);
      return keys.reduce((a, k) => a + k * k, 0) / batch.length / F;
    });
    const lambda = (100 * ratios.reduce((a, b) => a + b, 0)) / ratios.length;
    assert.ok(Math.abs(first.hparams.mom2_update_weight - lambda) <= 1e-9 * lambda);
    assert.match(first.hparams_derivation!.mom2_update_weight, /mean‖k‖² \/ tr C0/);
    assert.equal(first.hparams.v_num_grad_steps, 2);
    const second = await editor.edit(RECORDS.slice(2, 4));
    assert.equal(second.hparams.mom2_update_weight, first.hparams.mom2_update_weight);
  });
});
