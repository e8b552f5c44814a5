// The Editor's sequential variants and its state on models/tiny-facts: seq keeps Σ K_pK_pᵀ of the
// earlier batches (and its second batch differs from plain MEMIT's), rect adds only ~40 % of each
// update's entries, prune keeps W − W₀ equal to the restrained ΣΔW; a state exported after one batch
// and imported into a freshly loaded Editor gives the same weights and the same next batch, bit
// for bit (AlphaEdit's cache_c and projectors too). Variants on AlphaEdit or ROME are refused.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Editor } from "../../../src/editing/editor/editor.js";
import { restrainSingularValues } from "../../../src/editing/methods/variants/index.js";
import { repoRoot } from "../../models/golden-helpers.js";

const MODEL = join(repoRoot, "models", "tiny-facts");
const CORPUS = join(MODEL, "eval", "corpus.txt");
const RECORDS = JSON.parse(readFileSync(join(MODEL, "eval", "counterfact.json"), "utf8")).slice(0, 6);
const FAST = {
  layers: [0, 1],
  v_loss_layer: 3,
  v_num_grad_steps: 6,
  clamp_norm_factor: 3,
  mom2_update_weight: 40,
};
const W0 = "h.0.mlp.c_proj.weight";
const W1 = "h.1.mlp.c_proj.weight";

describe("Editor variants and state", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-variants-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const stats = { dir: join(work, "stats"), corpus: [CORPUS], samples: 200 };
  const open = (variant?: "seq" | "rect" | "prune", blue = false) =>
    Editor.fromPretrained(MODEL, {
      method: "memit",
      blue,
      hparams: FAST,
      stats,
      ...(variant ? { variant } : {}),
    });

  it("seq: the key history holds each batch's K Kᵀ and changes the next batch's solve", async () => {
    const plain = await open();
    const seq = await open("seq");
    await plain.edit(RECORDS.slice(0, 3));
    const first = await seq.edit(RECORDS.slice(0, 3));
    assert.equal(first.variant, "seq");
    // The first batch has no history: the same update as plain MEMIT.
    assert.deepEqual(seq.model.param(W1), plain.model.param(W1));
    const grams = seq.exportState().keyGrams;
    assert.deepEqual([...grams.keys()], [0, 1]);
    for (const g of grams.values()) {
      const F = Math.sqrt(g.length);
      let trace = 0;
      for (let i = 0; i < F; i++) trace += g[i * F + i];
      assert.ok(trace > 0);
      for (let i = 0; i < F; i += 37)
        for (let j = 0; j < F; j += 41) assert.equal(g[i * F + j], g[j * F + i]);
    }
    await plain.edit(RECORDS.slice(3, 6));
    await seq.edit(RECORDS.slice(3, 6));
    assert.notDeepEqual(seq.model.param(W1), plain.model.param(W1));
  });

  it("rect: only about 40 % of each update's entries change the weights", async () => {
    const editor = await open("rect", true);
    const before = editor.model.param(W0).slice();
    await editor.edit(RECORDS.slice(0, 3));
    const w = editor.model.param(W0);
    let changed = 0;
    for (let i = 0; i < w.length; i++) if (w[i] !== before[i]) changed++;
    // At most numel − ⌊0.6·numel⌋ + 1 entries are kept (an added entry may round away).
    const kept = w.length - Math.floor(0.6 * w.length) + 1;
    assert.ok(changed > 0.35 * w.length && changed <= kept, `${changed} of ${w.length} changed`);
  });

  it("prune: W − W₀ is the restrained ΣΔW after every batch", async () => {
    const editor = await open("prune");
    const original = editor.model.param(W1).slice();
    let restrained = 0;
    for (const batch of [RECORDS.slice(0, 3), RECORDS.slice(3, 6)]) {
      await editor.edit(batch);
      const sum = editor.exportState().deltas.get(W1)!;
      const sigmaMax = largest(original, sum.rows, sum.cols);
      const expected = restrainSingularValues({ data: sum.data, shape: [sum.rows, sum.cols] }, sigmaMax).data;
      const w = editor.model.param(W1);
      for (let i = 0; i < w.length; i += 97) assert.equal(w[i], Math.fround(original[i] + expected[i]));
      if (expected.some((x, i) => x !== sum.data[i])) restrained++;
    }
    assert.ok(restrained > 0, "no singular value of ΣΔW exceeded σ_max of W₀: the test shows nothing");
  });

  it("a state exported after a batch continues in a fresh Editor, bit for bit", async () => {
    for (const variant of ["seq", undefined] as const) {
      const a = await open(variant, true);
      await a.edit(RECORDS.slice(0, 3));
      const b = await open(variant, true);
      await b.prepare();
      b.importState(a.exportState());
      assert.deepEqual(b.model.param(W0), a.model.param(W0));
      await a.edit(RECORDS.slice(3, 6));
      await b.edit(RECORDS.slice(3, 6));
      assert.deepEqual(b.model.param(W0), a.model.param(W0));
      assert.deepEqual(b.model.param(W1), a.model.param(W1));
      assert.equal(b.history.length, 2);
      await assert.rejects(async () => b.importState(a.exportState()), /has edited already/);
    }
  });

  it("AlphaEdit's cache_c and projectors carry over to a fresh Editor, bit for bit", async () => {
    const alpha = () =>
      Editor.fromPretrained(MODEL, { method: "alphaedit", blue: true, hparams: FAST, stats });
    const a = await alpha();
    await a.edit(RECORDS.slice(0, 3));
    const state = a.exportState();
    assert.ok(
      state.keyGrams.size > 0 && state.projectors.size > 0,
      "AlphaEdit exported no cache_c or projector",
    );
    const b = await alpha();
    await b.prepare();
    b.importState(state);
    await a.edit(RECORDS.slice(3, 6));
    await b.edit(RECORDS.slice(3, 6));
    assert.deepEqual(b.model.param(W0), a.model.param(W0));
    assert.deepEqual(b.model.param(W1), a.model.param(W1));
    // Without the cache_c the second batch differs: the state is what makes them equal.
    const c = await alpha();
    await c.prepare();
    c.importState({ ...state, keyGrams: new Map() });
    await c.edit(RECORDS.slice(3, 6));
    assert.notDeepEqual(c.model.param(W1), a.model.param(W1));
  });

  it("refuses variants on AlphaEdit and ROME and unknown variants", async () => {
    await assert.rejects(
      Editor.fromPretrained(MODEL, { method: "alphaedit", variant: "seq", hparams: FAST, stats }),
      /seq variant applies to memit and pmet, not alphaedit/,
    );
    await assert.rejects(
      Editor.fromPretrained(MODEL, { method: "memit", variant: "fast" as never, hparams: FAST, stats }),
      /unknown variant 'fast'/,
    );
  });
});

/** σ_max of W₀ by power iteration on W Wᵀ (independent of the code under test). */
function largest(w: Float32Array, rows: number, cols: number): number {
  let v = new Float64Array(rows).fill(1);
  let sigma = 0;
  for (let it = 0; it < 500; it++) {
    const t = new Float64Array(cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j] += w[i * cols + j] * v[i];
    const u = new Float64Array(rows);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) u[i] += w[i * cols + j] * t[j];
    const norm = Math.hypot(...u);
    sigma = Math.sqrt(norm);
    v = u.map((x) => x / norm);
  }
  return sigma;
}
