// AlphaEdit's layer update (Fang et al., "AlphaEdit: Null-Space Constrained Knowledge Editing for
// Language Models", arXiv 2410.02355, Eq. 14; jianghoucheng/AlphaEdit AlphaEdit_main.py):
//   ΔWᵀ = (P (K Kᵀ + K_p K_pᵀ) + α I)⁻¹ P K Rᵀ
// with P the null-space projector of C0, K_p K_pᵀ the key Gram of earlier batches (cache_c) and
// α = L2. The matrix is not symmetric, so the solve is LU (gesv), in float64; λ·C0 is not used.
import { solveGeneral } from "../../../linalg/index.js";
import { native } from "../../../native/binding.js";

export function alphaEditLayerDelta(
  keys: Float32Array,
  resid: Float64Array,
  n: number,
  projector: Float64Array,
  cachedKeyGram: Float64Array | null,
  l2: number,
): Float32Array {
  const F = keys.length / n;
  const C = resid.length / n;
  if (projector.length !== F * F)
    throw new Error(`null-space projector has ${projector.length} entries, expected d_ff² = ${F}²`);
  const k = Float64Array.from(keys); // (n, F)
  const gram = cachedKeyGram ? cachedKeyGram.slice() : new Float64Array(F * F); // K Kᵀ + cache_c
  native.dgemm(true, false, F, F, n, 1, k, 0, F, k, 0, F, 1, gram, 0, F);
  const m = new Float64Array(F * F); // P·gram + α I
  native.dgemm(false, false, F, F, F, 1, projector, 0, F, gram, 0, F, 0, m, 0, F);
  for (let i = 0; i < F; i++) m[i * F + i] += l2;
  const kr = new Float64Array(F * C); // K Rᵀ (F × C)
  native.dgemm(true, false, F, C, n, 1, k, 0, F, resid, 0, C, 0, kr, 0, C);
  const rhs = new Float64Array(F * C); // P K Rᵀ
  native.dgemm(false, false, F, C, F, 1, projector, 0, F, kr, 0, C, 0, rhs, 0, C);
  const x = solveGeneral({ data: m, shape: [F, F] }, { data: rhs, shape: [F, C] }).data; // ΔWᵀ (F × C)
  const delta = new Float32Array(C * F);
  for (let f = 0; f < F; f++) for (let c = 0; c < C; c++) delta[c * F + f] = x[f * C + c];
  return delta;
}
