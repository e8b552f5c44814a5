// EditedWeights.mark / revert: what the Editor uses to undo one batch exactly (strict mode, issue
// 14 case 4) now that ΣΔW is accumulated (experiment's EditedWeights): a weight edited before the
// mark gets back the very same float32 values and sum; a weight first edited after it gets its
// 16-bit original back (the same HalfTensor, not a widened copy) and no sum.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { WeightSnapshot, type WeightUpdate } from "../../../src/editing/apply-deltas.js";
import { EditedWeights } from "../../../src/editing/editor/edited-weights.js";
import { HalfTensor } from "../../../src/models/layers/weight.js";
import { loadModel } from "../../../src/models/load.js";
import { saveModel } from "../../../src/models/save.js";
import { fixtureDir } from "../../models/golden-helpers.js";

const tmp = mkdtempSync(join(tmpdir(), "locedit-edited-weights-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function update(name: string, rows: number, cols: number, seed: number): WeightUpdate {
  const delta = new Float32Array(rows * cols).map((_, i) => Math.sin(seed * 7.1 + i * 0.37) * 1e-2);
  return { layer: 0, weight: name, rows, cols, delta };
}

describe("EditedWeights mark and revert", () => {
  it("undo one batch: earlier sums and weights exactly, new weights back to their 16-bit originals", () => {
    const dir = join(tmp, "f16");
    saveModel(loadModel(fixtureDir("gpt2-tiny")), dir, { dtype: "F16" });
    const model = loadModel(dir);
    const [first, second] = model.specs.filter((s) => s.shape.length === 2 && !s.tiedTo).map((s) => s.name);
    const shape = (name: string) => model.specs.find((s) => s.name === name)!.shape;
    const originalSecond = model.weight(second);
    assert.ok(originalSecond instanceof HalfTensor);
    const weights = new EditedWeights(model, new WeightSnapshot(model));
    weights.add([update(first, shape(first)[0], shape(first)[1], 1)]);
    const firstAfterBatch1 = model.param(first).slice();
    const sumAfterBatch1 = weights.entries()[0][1].data.slice();

    const mark = weights.mark([first, second]);
    weights.add([
      update(first, shape(first)[0], shape(first)[1], 2),
      update(second, shape(second)[0], shape(second)[1], 3),
    ]);
    assert.notDeepEqual(model.param(first), firstAfterBatch1);
    weights.revert(mark);

    assert.deepEqual(model.param(first), firstAfterBatch1);
    assert.deepEqual(
      weights.entries().map(([name]) => name),
      [first],
    );
    assert.deepEqual(weights.entries()[0][1].data, sumAfterBatch1);
    assert.equal(model.weight(second), originalSecond, "the 16-bit original is put back as it was");
  });
});
