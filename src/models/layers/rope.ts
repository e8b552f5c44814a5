// Rotary position embedding (Su et al. 2021, RoFormer, eq. 34): each pair of dimensions (a, b) of
// a query/key head is rotated by angle pos·θ_i, θ_i = base^(−2i/d_rot):
//   a' = a·cos − b·sin,  b' = b·cos + a·sin.
// Llama pairs dimension i with i + d_rot/2 ("rotate_half"); GPT-J pairs 2i with 2i+1
// ("rotate_every_two") and leaves dimensions past rotary_dim untouched. Llama 3 rescales θ_i
// (HF `_compute_llama3_parameters`); "linear" scaling divides θ_i by the factor.
import type { RopeScaling } from "../config.js";

export type RopeStyle = "half" | "interleaved";

export class RopeTable {
  readonly invFreq: Float64Array;
  private cos = new Float32Array(0);
  private sin = new Float32Array(0);
  private positions = 0;

  constructor(
    readonly rotaryDim: number,
    readonly style: RopeStyle,
    base: number,
    scaling: RopeScaling | null = null,
  ) {
    const half = rotaryDim / 2;
    this.invFreq = new Float64Array(half);
    // θ_i in float32 like the reference implementations, so angles match theirs bit for bit.
    for (let i = 0; i < half; i++) this.invFreq[i] = Math.fround(1 / Math.pow(base, (2 * i) / rotaryDim));
    if (scaling) scaleInvFreq(this.invFreq, scaling);
  }

  /** cos/sin tables (positions, rotaryDim/2) covering at least `count` positions. */
  tables(count: number): { cos: Float32Array; sin: Float32Array } {
    if (count > this.positions) {
      const half = this.rotaryDim / 2;
      const size = Math.max(count, this.positions * 2, 64);
      this.cos = new Float32Array(size * half);
      this.sin = new Float32Array(size * half);
      for (let p = 0; p < size; p++) {
        for (let i = 0; i < half; i++) {
          const angle = Math.fround(p * this.invFreq[i]);
          this.cos[p * half + i] = Math.cos(angle);
          this.sin[p * half + i] = Math.sin(angle);
        }
      }
      this.positions = size;
    }
    return { cos: this.cos, sin: this.sin };
  }

  /**
   * Rotates every head of x (N rows of nHeads·headDim, `rowStride` apart) in place by its token's
   * position; `inverse` rotates by −angle, which is the backward (the rotation is orthogonal).
   */
  apply(
    x: Float32Array,
    positions: Int32Array,
    N: number,
    nHeads: number,
    headDim: number,
    inverse = false,
    rowStride = nHeads * headDim,
  ) {
    let maxPos = 0;
    for (let n = 0; n < N; n++) if (positions[n] > maxPos) maxPos = positions[n];
    const { cos, sin } = this.tables(maxPos + 1);
    const half = this.rotaryDim / 2;
    const sign = inverse ? -1 : 1;
    const interleaved = this.style === "interleaved";
    for (let n = 0; n < N; n++) {
      const t = positions[n] * half;
      for (let h = 0; h < nHeads; h++) {
        const base = n * rowStride + h * headDim;
        for (let i = 0; i < half; i++) {
          const ia = base + (interleaved ? 2 * i : i);
          const ib = interleaved ? ia + 1 : ia + half;
          const c = cos[t + i];
          const s = sign * sin[t + i];
          const a = x[ia];
          const b = x[ib];
          x[ia] = a * c - b * s;
          x[ib] = b * c + a * s;
        }
      }
    }
  }
}

function scaleInvFreq(invFreq: Float64Array, scaling: RopeScaling): void {
  if (scaling.type === "linear") {
    for (let i = 0; i < invFreq.length; i++) invFreq[i] /= scaling.factor;
    return;
  }
  const { factor, lowFreqFactor, highFreqFactor, originalMaxPositions } = scaling;
  const lowFreqWavelen = originalMaxPositions / lowFreqFactor;
  const highFreqWavelen = originalMaxPositions / highFreqFactor;
  for (let i = 0; i < invFreq.length; i++) {
    const f = invFreq[i];
    const wavelen = (2 * Math.PI) / f;
    if (wavelen > lowFreqWavelen) {
      invFreq[i] = f / factor;
    } else if (wavelen >= highFreqWavelen) {
      // Medium band: interpolate between scaled and unscaled frequency.
      const smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
      invFreq[i] = Math.fround((1 - smooth) * (f / factor) + smooth * f);
    }
  }
}
