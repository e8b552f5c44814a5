// MEMIT's layer update (Meng et al., arXiv 2210.07229, Eq. 14; kmeng01/memit memit_main.py): with
// keys K (d_ff × n), residuals R (d_model × n) and C0 = E[k kᵀ],
//   ΔW = R Kᵀ (λ C0 + K Kᵀ)⁻¹,   computed as   M = λ·C0 + K Kᵀ;  A = M⁻¹ K;  ΔW = R Aᵀ
// in float64 with a Cholesky solve (solve, never invert), as the reference's torch.linalg.solve in
// double. PMET (Li et al., arXiv 2308.08742, Eq. 9) uses the same solve.
import { solveSpd } from "../../../linalg/index.js";
import {
  add,
  eye,
  gram,
  matmul,
  scale,
  toFloat32,
  toFloat64,
  trace,
  transpose2d,
  wrap,
  type Tensor64,
} from "../../../tensor/index.js";
import type { MethodContext } from "../types.js";

/** ΔW (d_model × d_ff, float32) for keys (n × d_ff rows), residuals (n × d_model rows, float64). */
export function memitLayerDelta(
  keys: Float32Array,
  resid: Float64Array,
  n: number,
  covariance: Float64Array,
  lambda: number,
): Float32Array {
  const F = keys.length / n;
  const C = resid.length / n;
  if (covariance.length !== F * F)
    throw new Error(
      `covariance has ${covariance.length} entries, expected d_ff² = ${F}² for keys of width ${F}`,
    );
  const Kt = toFloat64(wrap(keys, [n, F])); // (n, F) = Kᵀ: row i is key i
  const Rt = wrap(resid, [n, C]); // (n, C) = Rᵀ
  const C0 = wrap(covariance, [F, F]);
  const M = gram(Kt, { trans: true, out: scale(C0, lambda), beta: 1 }); // (F, F) = λ·C0 + K Kᵀ
  const A = solveNormalEquations(M, transpose2d(Kt)); // (F, n) = M⁻¹ K
  return toFloat32(matmul(Rt, A, { transA: true, transB: true })).data; // (C, F) = R Aᵀ
}

/**
 * A = M⁻¹ B for M = λ C0 + K Kᵀ by Cholesky. When M is only positive semi-definite in floating
 * point (C0 from fewer tokens than d_ff, or keys confined to a subspace: random-weight models), the
 * reference's LU solve returns huge components along M's null space; here the smallest ridge
 * ε·tr(M)/d_ff·I (ε = 1e-12, 1e-10, … 1e-4) that makes M positive definite is added instead, which
 * gives the minimum-norm solution up to ε and leaves well-posed systems untouched.
 */
function solveNormalEquations(M: Tensor64, B: Tensor64): Tensor64 {
  const F = M.shape[0];
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-12 : ridge * 100) {
    const shifted = ridge === 0 ? M : add(M, scale(eye(F, "f64"), (ridge * trace(M)) / F));
    try {
      return solveSpd(shifted, B, { symmetryTolerance: Infinity });
    } catch (error) {
      if (!/not positive definite/.test((error as Error).message) || ridge >= 1e-4) throw error;
    }
  }
}

/** The family solve of MEMIT and PMET: λ = mom2_update_weight (0 without mom2_adjustment). */
export function covarianceWeightedSolve(
  context: MethodContext,
  layer: number,
  keys: Float32Array,
  resid: Float64Array,
  n: number,
): Float32Array {
  const { hparams } = context;
  const lambda = hparams.mom2_adjustment ? hparams.mom2_update_weight : 0;
  return memitLayerDelta(keys, resid, n, context.covariance(layer), lambda);
}
