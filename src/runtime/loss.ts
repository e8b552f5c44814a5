// Losses the runtime scores with: the cross-entropy of target tokens (models/layers/cross-entropy.ts)
// and the log-softmax of one row, in float64.
export { crossEntropy, type CrossEntropy } from "../models/layers/cross-entropy.js";

/** log-softmax of one row (V) in float64. */
export function logSoftmax(logits: Float32Array, offset: number, V: number): Float64Array {
  let max = -Infinity;
  for (let v = 0; v < V; v++) if (logits[offset + v] > max) max = logits[offset + v];
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(logits[offset + v] - max);
  const logZ = max + Math.log(sum);
  const out = new Float64Array(V);
  for (let v = 0; v < V; v++) out[v] = logits[offset + v] - logZ;
  return out;
}
