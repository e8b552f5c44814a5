// Choosing the critical layers from causal tracing: the window of highest mean MLP effect never
// holds the last layer; windows follow the reference's centring; averaged tracing over tiny-facts
// records finds the subject's early MLP (layer 0), where tiny-facts' hyperparameters edit.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadModel } from "../../src/models/load.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import {
  defaultWindow,
  pickCriticalWindow,
  suggestCriticalLayers,
  traceRecords,
  windowLayers,
} from "../../src/trace/index.js";
import { repoRoot } from "../models/golden-helpers.js";

const MODEL = join(repoRoot, "models", "tiny-facts");

describe("critical-layer suggestion", () => {
  it("picks the window of highest mean effect, never the last layer", () => {
    const effects = [0.1, 0.5, 0.6, 0.2, 0.05, 0.9];
    const w = pickCriticalWindow(effects, 2);
    assert.deepEqual(w.layers, [1, 2]);
    assert.deepEqual(w.boundary, [1, 2]);
    assert.ok(Math.abs(w.meanEffect - 0.55) < 1e-12);
    assert.deepEqual(
      w.windows.map((x) => x.layers),
      [
        [0, 1],
        [1, 2],
        [2, 3],
        [3, 4],
      ],
    );
    assert.deepEqual(pickCriticalWindow(effects, 5).layers, [0, 1, 2, 3, 4]);
    assert.throws(
      () => pickCriticalWindow(effects, 6),
      /does not fit in a 6-layer model without its last layer/,
    );
    assert.throws(() => pickCriticalWindow([0, NaN, 0], 1), /effect of layer 1 is NaN/);
  });

  it("windows are centred as the reference's [l − ⌊W/2⌋, l + ⌈W/2⌉)", () => {
    assert.deepEqual(windowLayers(5, 10, 48), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(windowLayers(20, 10, 48), [15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
    assert.deepEqual(windowLayers(3, 3, 4), [2, 3]);
    assert.deepEqual(windowLayers(1, 1, 4), [1]);
    assert.deepEqual([48, 28, 12, 4].map(defaultWindow), [10, 6, 2, 1]);
  });

  it("on tiny-facts, the MLP effect at the subject's last token peaks at layer 0", async () => {
    const model = loadModel(MODEL);
    const tokenizer = await loadTokenizer(MODEL);
    const records = JSON.parse(readFileSync(join(MODEL, "eval", "counterfact.json"), "utf8")).slice(0, 3);
    const facts = records.map(
      (r: { requested_rewrite: { prompt: string; subject: string } }) => r.requested_rewrite,
    );
    const s = suggestCriticalLayers(model, tokenizer, facts, { samples: 3 });
    assert.deepEqual(s.layers, [0, 1]);
    assert.deepEqual(s.boundary, [0, 1]);
    assert.equal(s.records, 3);
    const mlp = s.effects.mean;
    assert.ok(mlp[0] > 0.2 && mlp[0] > 5 * Math.max(...mlp.slice(1)), `MLP effects ${mlp}`);
    // restoring at the last layer cannot move the prediction at the last position
    const traced = traceRecords(model, tokenizer, facts, { samples: 3, kinds: ["block"] });
    assert.equal(traced.kinds[0].subjectLast.mean[model.numLayers - 1], 0);
    assert.equal(traced.records[0].prompt, "Zira Kudor holds a passport from");
  });
});
