// Accuracy, weighted F1 and MCC against scikit-learn's f1_score(average="weighted") and
// matthews_corrcoef (scripts/golden/make_eval_goldens.py), invalid answers (−1) as a class; and
// one case worked by hand.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  accuracy,
  classificationFigures,
  matthewsCorrelation,
  weightedF1,
} from "../../../src/eval/probes/classification-metrics.js";
import { close, evalGolden } from "../golden-helpers.js";

describe("classification figures", () => {
  for (const { truth, predicted, f1, mcc } of evalGolden().classification)
    it(`sklearn on ${JSON.stringify(predicted)}`, () => {
      assert.ok(close(weightedF1(truth, predicted), f1), `f1 ${weightedF1(truth, predicted)} vs ${f1}`);
      assert.ok(
        close(matthewsCorrelation(truth, predicted), mcc),
        `mcc ${matthewsCorrelation(truth, predicted)} vs ${mcc}`,
      );
    });

  it("by hand: truth 1 1 0 0, predicted 1 0 0 0", () => {
    // class 1: P = 1, R = 1/2, F1 = 2/3; class 0: P = 2/3, R = 1, F1 = 4/5; weighted (2·2/3 + 2·4/5)/4
    const t = [1, 1, 0, 0];
    const p = [1, 0, 0, 0];
    assert.equal(accuracy(t, p), 0.75);
    assert.ok(close(weightedF1(t, p), (2 * (2 / 3) + 2 * (4 / 5)) / 4));
    // binary MCC = (TP·TN − FP·FN) / √((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = (1·2 − 0·1)/√(1·2·2·3)
    assert.ok(close(matthewsCorrelation(t, p), 2 / Math.sqrt(12)));
    assert.deepEqual(Object.keys(classificationFigures(t, p)), ["accuracy", "f1", "mcc"]);
  });

  it("mismatched or empty inputs are errors", () => {
    assert.throws(() => accuracy([1, 0], [1]), /2 labels but 1 predictions/);
    assert.throws(() => weightedF1([], []), /no labels/);
  });
});
