// MEMIT's layer update (Meng et al., arXiv 2210.07229, Eq. 14): with keys K (d_ff × n), residuals
// R (d_model × n) and C0 = E[k kᵀ], ΔW = R Kᵀ (λ C0 + K Kᵀ)⁻¹, computed as ΔW = R Aᵀ with
// A = (λ C0 + K Kᵀ)⁻¹ K from a Cholesky solve in float64 (solve, never invert), as the reference's
// torch.linalg.solve in double. PMET (Li et al., arXiv 2308.08742, Eq. 9) uses the same solve.
import { native } from "../../../native/binding.js";
import { solveSpd } from "../../../linalg/index.js";

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
  const a = solveSpd({ data: m, shape: [F, F] }, { data: kt, shape: [F, n] }).data; // (F, n)
  const delta = new Float64Array(C * F); // Rᵀ(C × n)·Aᵀ(n × F)
  native.dgemm(true, true, C, F, n, 1, resid, 0, C, a, 0, n, 0, delta, 0, F);
  return Float32Array.from(delta);
}
