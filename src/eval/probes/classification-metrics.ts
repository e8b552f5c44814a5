// Classification figures of the general-capability probes, as AlphaEdit's glue_eval reports them
// with scikit-learn: accuracy, weighted F1 (`f1_score(average="weighted")`) and the Matthews
// correlation coefficient (`matthews_corrcoef`). An invalid prediction (−1: the generated text named
// no label) is a class of its own, as it is there.
//   weighted F1 = Σ_c n_c · F1_c / Σ_c n_c over the classes c of y_true ∪ y_pred, n_c the true
//                 count; F1_c = 2PR / (P + R), a 0/0 precision, recall or F1 taken as 0;
//   MCC (Gorodkin's multiclass form, as sklearn) = (c·s − Σ_k p_k t_k) /
//                 √((s² − Σ_k p_k²)(s² − Σ_k t_k²)), c correct, s samples, p_k / t_k predicted / true
//                 counts of class k; 0 when the denominator is 0.

export interface ClassificationFigures {
  accuracy: number;
  f1: number;
  mcc: number;
}

function check(truth: readonly number[], predicted: readonly number[]): void {
  if (truth.length !== predicted.length)
    throw new Error(`${truth.length} labels but ${predicted.length} predictions`);
  if (truth.length === 0) throw new Error("no labels to score");
}

export function accuracy(truth: readonly number[], predicted: readonly number[]): number {
  check(truth, predicted);
  return truth.filter((t, i) => t === predicted[i]).length / truth.length;
}

/** Counts per class over the union of true and predicted labels. */
function classCounts(truth: readonly number[], predicted: readonly number[]) {
  const classes = [...new Set([...truth, ...predicted])].sort((a, b) => a - b);
  return classes.map((c) => {
    let tp = 0;
    let trueCount = 0;
    let predictedCount = 0;
    truth.forEach((t, i) => {
      if (t === c) trueCount++;
      if (predicted[i] === c) predictedCount++;
      if (t === c && predicted[i] === c) tp++;
    });
    return { tp, trueCount, predictedCount };
  });
}

export function weightedF1(truth: readonly number[], predicted: readonly number[]): number {
  check(truth, predicted);
  let sum = 0;
  for (const { tp, trueCount, predictedCount } of classCounts(truth, predicted)) {
    const precision = predictedCount > 0 ? tp / predictedCount : 0;
    const recall = trueCount > 0 ? tp / trueCount : 0;
    const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
    sum += trueCount * f1;
  }
  return sum / truth.length;
}

export function matthewsCorrelation(truth: readonly number[], predicted: readonly number[]): number {
  check(truth, predicted);
  const counts = classCounts(truth, predicted);
  const s = truth.length;
  const correct = counts.reduce((a, k) => a + k.tp, 0);
  const pt = counts.reduce((a, k) => a + k.predictedCount * k.trueCount, 0);
  const pp = counts.reduce((a, k) => a + k.predictedCount * k.predictedCount, 0);
  const tt = counts.reduce((a, k) => a + k.trueCount * k.trueCount, 0);
  const denominator = (s * s - pp) * (s * s - tt);
  return denominator === 0 ? 0 : (correct * s - pt) / Math.sqrt(denominator);
}

export function classificationFigures(
  truth: readonly number[],
  predicted: readonly number[],
): ClassificationFigures {
  return {
    accuracy: accuracy(truth, predicted),
    f1: weightedF1(truth, predicted),
    mcc: matthewsCorrelation(truth, predicted),
  };
}
