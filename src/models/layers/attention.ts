// Causal scaled dot-product attention (Vaswani et al. 2017, eq. 1): softmax(Q·Kᵀ/√d + M)·V with
// M masking future keys and padded keys. Grouped-query attention (Ainslie et al. 2023): query head
// h reads key/value head ⌊h / (NH/NKV)⌋. Every product goes through sgemm, one call per (b, h).
import { native } from "../../native/binding.js";

export interface AttentionShape {
  B: number;
  T: number;
  /** query heads, key/value heads, head dim */
  NH: number;
  NKV: number;
  HS: number;
}

/**
 * out (B·T, NH·HS) = attention of q (B·T, NH·HS) over k, v (B·T, NKV·HS); att (B, NH, T, T)
 * receives the probabilities (saved for the backward). keyMask (B·T) is 1 for real tokens.
 * A query with no visible key (a left-padding position) gets probabilities 0 and output 0.
 */
export function attentionForward(
  out: Float32Array,
  att: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  keyMask: Uint8Array,
  shape: AttentionShape,
): void {
  const { B, T, NH, NKV, HS } = shape;
  const group = NH / NKV;
  const ldq = NH * HS;
  const ldk = NKV * HS;
  const scale = 1 / Math.sqrt(HS);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const qOff = b * T * ldq + h * HS;
      const kvOff = b * T * ldk + Math.floor(h / group) * HS;
      const attOff = (b * NH + h) * T * T;
      // scores (T, T) = scale · Q_bh · K_bhᵀ
      native.sgemm(false, true, T, T, HS, scale, q, qOff, ldq, k, kvOff, ldk, 0, att, attOff, T);
      maskedSoftmaxRows(att, attOff, keyMask, b * T, T);
      // out_bh (T, HS) = P · V_bh
      native.sgemm(false, false, T, HS, T, 1, att, attOff, T, v, kvOff, ldk, 0, out, qOff, ldq);
    }
  }
}

/** Softmax of each row t over keys j ≤ t that are not padding; other entries become 0. */
function maskedSoftmaxRows(
  att: Float32Array,
  offset: number,
  keyMask: Uint8Array,
  maskOff: number,
  T: number,
) {
  for (let t = 0; t < T; t++) {
    const row = offset + t * T;
    let max = -Infinity;
    for (let j = 0; j <= t; j++) if (keyMask[maskOff + j] && att[row + j] > max) max = att[row + j];
    if (max === -Infinity) {
      att.fill(0, row, row + T);
      continue;
    }
    let sum = 0;
    for (let j = 0; j <= t; j++) {
      const e = keyMask[maskOff + j] ? Math.exp(att[row + j] - max) : 0;
      att[row + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j <= t; j++) att[row + j] *= inv;
    att.fill(0, row + t + 1, row + T);
  }
}

/**
 * Backward of attentionForward. Accumulates (+=) dq, dk, dv from dout (B·T, NH·HS).
 * scratch must hold T·T floats.
 */
export function attentionBackward(
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  dout: Float32Array,
  att: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  shape: AttentionShape,
  scratch: Float32Array,
): void {
  const { B, T, NH, NKV, HS } = shape;
  const group = NH / NKV;
  const ldq = NH * HS;
  const ldk = NKV * HS;
  const scale = 1 / Math.sqrt(HS);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < NH; h++) {
      const qOff = b * T * ldq + h * HS;
      const kvOff = b * T * ldk + Math.floor(h / group) * HS;
      const attOff = (b * NH + h) * T * T;
      // dP (T, T) = dout_bh · V_bhᵀ ; dV_bh += Pᵀ · dout_bh
      native.sgemm(false, true, T, T, HS, 1, dout, qOff, ldq, v, kvOff, ldk, 0, scratch, 0, T);
      native.sgemm(true, false, T, HS, T, 1, att, attOff, T, dout, qOff, ldq, 1, dv, kvOff, ldk);
      // dS = P ⊙ (dP − rowsum(dP ⊙ P)), the softmax Jacobian applied row by row.
      for (let t = 0; t < T; t++) {
        const row = t * T;
        let dot = 0;
        for (let j = 0; j <= t; j++) dot += scratch[row + j] * att[attOff + row + j];
        for (let j = 0; j < T; j++) scratch[row + j] = att[attOff + row + j] * (scratch[row + j] - dot);
      }
      // dQ_bh += scale · dS · K_bh ; dK_bh += scale · dSᵀ · Q_bh
      native.sgemm(false, false, T, HS, T, scale, scratch, 0, T, k, kvOff, ldk, 1, dq, qOff, ldq);
      native.sgemm(true, false, T, HS, T, scale, scratch, 0, T, q, qOff, ldq, 1, dk, kvOff, ldk);
    }
  }
}
