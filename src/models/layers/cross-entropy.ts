// Cross-entropy (negative log-likelihood) of target tokens over selected logits rows, with its
// gradient: for row m with weight w_m, loss += −w_m·log softmax(z_m)[y_m] and
// dz_m = w_m·(softmax(z_m) − onehot(y_m)). Exponentials and reductions in float64; the row loop
// runs natively (native/fast/loss.c). As llm.c's crossentropy_forward/crossentropy_softmax_backward,
// forward and backward in one pass since every caller needs both.
import { native } from "../../native/binding.js";

export interface CrossEntropy {
  /** Σ_m w_m · NLL_m */
  loss: number;
  /** per-row log-probability of its target */
  logprobs: Float64Array;
  /** (M, V) gradient of `loss` with respect to the logits */
  dlogits: Float32Array;
}

export function crossEntropy(
  logits: Float32Array,
  vocabSize: number,
  targets: ArrayLike<number>,
  weights?: ArrayLike<number>,
): CrossEntropy {
  const V = vocabSize;
  const M = targets.length;
  if (logits.length !== M * V)
    throw new Error(`crossEntropy: ${logits.length} logits do not make ${M} rows of vocabulary size ${V}`);
  const dlogits = new Float32Array(M * V);
  const logprobs = new Float64Array(M);
  const ids = targets instanceof Int32Array ? targets : Int32Array.from(targets);
  for (let m = 0; m < M; m++)
    if (!(ids[m] >= 0 && ids[m] < V) || ids[m] !== targets[m])
      throw new Error(`crossEntropy: target ${targets[m]} of row ${m} is outside the vocabulary`);
  const w =
    weights === undefined ? null : weights instanceof Float64Array ? weights : Float64Array.from(weights);
  if (w && w.length !== M) throw new Error(`crossEntropy: ${w.length} weights for ${M} rows`);
  const loss = native.crossEntropyRows(logits, V, ids, w, dlogits, logprobs);
  return { loss, logprobs, dlogits };
}
