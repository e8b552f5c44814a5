// Plain TypeScript LayerNorm and RMSNorm, forward and backward, written from the equations: the
// independent reference the native kernels (native/fast/norms.c) are compared with.

/** out, mean, rstd are outputs; inp (N, C). */
export function referenceLayerNormForward(
  out: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  N: number,
  C: number,
  eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const row = n * C;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += inp[row + c];
    const m = sum / C;
    let varSum = 0;
    for (let c = 0; c < C; c++) {
      const d = inp[row + c] - m;
      varSum += d * d;
    }
    const s = 1 / Math.sqrt(varSum / C + eps);
    for (let c = 0; c < C; c++) out[row + c] = (inp[row + c] - m) * s * weight[c] + bias[c];
    mean[n] = m;
    rstd[n] = s;
  }
}

/** Accumulates (+=) into dinp (N, C), dweight (C), dbias (C); dweight/dbias may be null. */
export function referenceLayerNormBackward(
  dinp: Float32Array,
  dweight: Float32Array | null,
  dbias: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const row = n * C;
    const m = mean[n];
    const s = rstd[n];
    // Two reductions: mean of dnorm and mean of dnorm·norm, where dnorm = dout·w.
    let dnormMean = 0;
    let dnormNormMean = 0;
    for (let c = 0; c < C; c++) {
      const norm = (inp[row + c] - m) * s;
      const dnorm = dout[row + c] * weight[c];
      dnormMean += dnorm;
      dnormNormMean += dnorm * norm;
    }
    dnormMean /= C;
    dnormNormMean /= C;
    for (let c = 0; c < C; c++) {
      const norm = (inp[row + c] - m) * s;
      const g = dout[row + c];
      if (dbias) dbias[c] += g;
      if (dweight) dweight[c] += norm * g;
      dinp[row + c] += (g * weight[c] - dnormMean - norm * dnormNormMean) * s;
    }
  }
}

export function referenceRmsNormForward(
  out: Float32Array,
  rstd: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  N: number,
  C: number,
  eps: number,
): void {
  for (let n = 0; n < N; n++) {
    const row = n * C;
    let sq = 0;
    for (let c = 0; c < C; c++) sq += inp[row + c] * inp[row + c];
    const s = 1 / Math.sqrt(sq / C + eps);
    for (let c = 0; c < C; c++) out[row + c] = inp[row + c] * s * weight[c];
    rstd[n] = s;
  }
}

/** Accumulates (+=) into dinp (N, C) and dweight (C, may be null). */
export function referenceRmsNormBackward(
  dinp: Float32Array,
  dweight: Float32Array | null,
  dout: Float32Array,
  inp: Float32Array,
  weight: Float32Array,
  rstd: Float32Array,
  N: number,
  C: number,
): void {
  for (let n = 0; n < N; n++) {
    const row = n * C;
    const s = rstd[n];
    // d(x·s)/dx = s·I − s³·x·xᵀ/C, applied to g = dout·w.
    let gx = 0;
    for (let c = 0; c < C; c++) gx += dout[row + c] * weight[c] * inp[row + c];
    const k = (s * s * s * gx) / C;
    for (let c = 0; c < C; c++) {
      const x = inp[row + c];
      if (dweight) dweight[c] += dout[row + c] * x * s;
      dinp[row + c] += dout[row + c] * weight[c] * s - k * x;
    }
  }
}
