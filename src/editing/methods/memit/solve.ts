// MEMIT's layer update (Meng et al., arXiv 2210.07229, Eq. 14): with keys K (d_ff × n), residuals
// R (d_model × n) and C0 = E[k kᵀ], ΔW = R Kᵀ (λ C0 + K Kᵀ)⁻¹, computed as ΔW = R Aᵀ with
// A = (λ C0 + K Kᵀ)⁻¹ K from a Cholesky solve in float64 (solve, never invert), as the reference's
// torch.linalg.solve in double. PMET (Li et al., arXiv 2308.08742, Eq. 9) uses the same solve.
import { native } from "../../../native/binding.js";
import { solveSpd } from "../../../linalg/index.js";
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
  const k = Float64Array.from(keys); // (n, F): row i is key i
  const m = new Float64Array(F * F); // λ C0 + K Kᵀ
  for (let i = 0; i < F * F; i++) m[i] = lambda * covariance[i];
  native.dgemm(true, false, F, F, n, 1, k, 0, F, k, 0, F, 1, m, 0, F);
  const kt = new Float64Array(F * n); // K as d_ff × n
  for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) kt[f * n + i] = k[i * F + f];
  const a = solveNormalEquations(m, kt, F, n); // (F, n)
  const delta = new Float64Array(C * F); // Rᵀ(C × n)·Aᵀ(n × F)
  native.dgemm(true, true, C, F, n, 1, resid, 0, C, a, 0, n, 0, delta, 0, F);
  return Float32Array.from(delta);
}

/**
 * A = M⁻¹ B for M = λ C0 + K Kᵀ by Cholesky. When M is only positive semi-definite in floating
 * point (C0 from fewer tokens than d_ff, or keys confined to a subspace: random-weight models), the
 * reference's LU solve returns huge components along M's null space; here the smallest ridge
 * ε·tr(M)/d_ff·I (ε = 1e-12, 1e-10, … 1e-4) that makes M positive definite is added instead, which
 * gives the minimum-norm solution up to ε and leaves well-posed systems untouched.
 */
function solveNormalEquations(m: Float64Array, b: Float64Array, F: number, n: number): Float64Array {
  let trace = 0;
  for (let i = 0; i < F; i++) trace += m[i * F + i];
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-12 : ridge * 100) {
    const shifted = ridge === 0 ? m : m.slice();
    if (ridge > 0) for (let i = 0; i < F; i++) shifted[i * F + i] += (ridge * trace) / F;
    try {
      return solveSpd(
        { data: shifted, shape: [F, F] },
        { data: b, shape: [F, n] },
        { symmetryTolerance: Infinity },
      ).data;
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
