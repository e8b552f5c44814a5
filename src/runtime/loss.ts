// Cross-entropy (negative log-likelihood) of target tokens over selected logits rows, with its
// gradient: for row m with weight w_m, loss += −w_m·log softmax(z_m)[y_m] and
// dz_m = w_m·(softmax(z_m) − onehot(y_m)). Reductions in float64.

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
  let loss = 0;
  for (let m = 0; m < M; m++) {
    const y = targets[m];
    if (!(y >= 0 && y < V))
      throw new Error(`crossEntropy: target ${y} of row ${m} is outside the vocabulary`);
    const w = weights ? weights[m] : 1;
    const row = m * V;
    let max = -Infinity;
    for (let v = 0; v < V; v++) if (logits[row + v] > max) max = logits[row + v];
    // One exp per logit: keep e^(z − max) in dlogits, then scale it into w·softmax.
    let sum = 0;
    for (let v = 0; v < V; v++) {
      const e = Math.exp(logits[row + v] - max);
      dlogits[row + v] = e;
      sum += e;
    }
    logprobs[m] = logits[row + y] - max - Math.log(sum);
    loss -= w * logprobs[m];
    const scale = w / sum;
    for (let v = 0; v < V; v++) dlogits[row + v] *= scale;
    dlogits[row + y] -= w;
  }
  return { loss, logprobs, dlogits };
}

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
