// Editor.save never destroys a user's files (issue 14, case 1): saving onto the loaded model's own
// folder, or onto any existing folder, is refused and leaves it as it was; `overwrite` replaces
// only a folder that an earlier save wrote, never one holding files locedit did not write. Saving
// an edited folder carries its hparams/ files, and the edit log keeps the earlier edits.
import assert from "node:assert/strict";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Editor } from "../../../src/editing/editor/editor.js";
import { repoRoot } from "../../models/golden-helpers.js";

const MODEL = join(repoRoot, "models", "tiny-facts");
const FAST = {
  layers: [1],
  v_loss_layer: 3,
  v_num_grad_steps: 4,
  clamp_norm_factor: 3,
  mom2_update_weight: 40,
};
const REQUEST = { prompt: "{} holds a passport from", subject: "Zira Kudor", targetNew: "Germany" };

/** C0 = I: enough for an edit that exercises saving. */
function identity(layer: number, d = 512): Float64Array {
  void layer;
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) c[i * d + i] = 1;
  return c;
}

function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true }).map(String).sort();
}

describe("Editor.save", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-save-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const copy = join(work, "model");
  cpSync(MODEL, copy, { recursive: true });
  const open = (dir: string) =>
    Editor.fromPretrained(dir, { method: "memit", hparams: FAST, covariance: (l) => identity(l) });

  it("refuses the loaded model's own folder, even with overwrite, and leaves it whole", async () => {
    const before = listing(copy);
    const editor = await open(copy);
    for (const overwrite of [false, true])
      assert.throws(() => editor.save(copy, { overwrite }), /the folder the model was loaded from/);
    assert.throws(() => editor.save(work, { overwrite: true }), /holds the folder the model was loaded from/);
    assert.deepEqual(listing(copy), before);
    for (const kept of ["README.md", "training.json", "eval/counterfact.json", "hparams/memit.json"])
      assert.ok(existsSync(join(copy, kept)), kept);
  });

  it("refuses an existing folder and, with overwrite, one holding files it did not write", async () => {
    const target = join(work, "user-folder");
    mkdirSync(target);
    writeFileSync(join(target, "notes.txt"), "mine");
    const editor = await open(copy);
    assert.throws(() => editor.save(target), /user-folder: already exists/);
    assert.throws(
      () => editor.save(target, { overwrite: true }),
      /user-folder: holds files locedit did not write \(notes\.txt\); nothing was replaced/,
    );
    assert.equal(readFileSync(join(target, "notes.txt"), "utf8"), "mine");

    const saved = join(work, "saved");
    editor.save(saved);
    editor.save(saved, { overwrite: true }); // a folder an earlier save wrote may be replaced
    writeFileSync(join(saved, "notes.txt"), "added by the user");
    assert.throws(() => editor.save(saved, { overwrite: true }), /notes\.txt/);
    assert.ok(existsSync(join(saved, "notes.txt")));
  });

  it("carries the model's hparams/ into the saved folder and appends to the edit history", async () => {
    const first = await open(copy);
    await first.edit([REQUEST]);
    const once = join(work, "edited-once");
    first.save(once);
    for (const file of readdirSync(join(copy, "hparams")))
      assert.equal(
        readFileSync(join(once, "hparams", file), "utf8"),
        readFileSync(join(copy, "hparams", file), "utf8"),
        file,
      );
    const second = await open(once);
    assert.equal(second.resolved.source, join(once, "hparams", "memit.json"));
    await second.edit([{ ...REQUEST, subject: "Olan Ferrow", prompt: "{} was born in", targetNew: "Spain" }]);
    const twice = join(work, "edited-twice");
    second.save(twice);
    const log = JSON.parse(readFileSync(join(twice, "edit-log.json"), "utf8"));
    assert.equal(log.batches.length, 1);
    assert.equal(log.earlier_edits.length, 1);
    assert.equal(log.earlier_edits[0].model, copy);
    assert.equal(log.earlier_edits[0].batches[0].requests[0].subject, "Zira Kudor");
    assert.equal(log.batches[0].requests[0].subject, "Olan Ferrow");
    assert.deepEqual(second.editLog().earlier_edits, log.earlier_edits);
  });
});
