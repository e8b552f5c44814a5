// RMSNorm (Zhang & Sennrich 2019), as in Llama: y = x · rstd · w with rstd = 1/√(mean(x²) + eps).

export function rmsNormForward(
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
export function rmsNormBackward(
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
