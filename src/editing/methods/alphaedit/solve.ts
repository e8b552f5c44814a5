// AlphaEdit's layer update (Fang et al., "AlphaEdit: Null-Space Constrained Knowledge Editing for
// Language Models", arXiv 2410.02355, Eq. 14; jianghoucheng/AlphaEdit AlphaEdit_main.py):
//   ΔWᵀ = (P (K Kᵀ + K_p K_pᵀ) + α I)⁻¹ P K Rᵀ
// with P the null-space projector of C0, K_p K_pᵀ the key Gram of earlier batches (cache_c) and
// α = L2. The matrix is not symmetric, so the solve is LU (gesv), in float64; λ·C0 is not used.
import { solveGeneral } from "../../../linalg/index.js";
import {
  clone,
  eye,
  gram,
  matmul,
  scale,
  toFloat32,
  toFloat64,
  transpose2d,
  wrap,
  zeros,
} from "../../../tensor/index.js";

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
  const Kt = toFloat64(wrap(keys, [n, F])); // (n, F) = Kᵀ
  const Rt = wrap(resid, [n, C]); // (n, C) = Rᵀ
  const P = wrap(projector, [F, F]);
  const cache = cachedKeyGram ? clone(wrap(cachedKeyGram, [F, F])) : zeros([F, F], "f64");
  const G = gram(Kt, { trans: true, out: cache, beta: 1 }); // (F, F) = K Kᵀ + cache_c
  const M = matmul(P, G, { out: scale(eye(F, "f64"), l2), beta: 1 }); // (F, F) = P G + α I
  const rhs = matmul(P, matmul(Kt, Rt, { transA: true })); // (F, C) = P K Rᵀ
  const deltaT = solveGeneral(M, rhs); // (F, C) = ΔWᵀ
  return toFloat32(transpose2d(deltaT)).data; // (C, F)
}
