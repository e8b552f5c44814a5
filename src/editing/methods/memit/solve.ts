// MEMIT's layer update (Meng et al., arXiv 2210.07229, Eq. 14; kmeng01/memit memit_main.py): with
// keys K (d_ff × n), residuals R (d_model × n) and C0 = E[k kᵀ],
//   ΔW = R Kᵀ (λ C0 + K Kᵀ)⁻¹,   computed as   M = λ·C0 + K Kᵀ;  A = M⁻¹ K;  ΔW = R Aᵀ
// in float64 with a Cholesky solve (solve, never invert), as the reference's torch.linalg.solve in
// double. PMET (Li et al., arXiv 2308.08742, Eq. 9) uses the same solve. Memory: the solve holds
// one d_ff² matrix (M, factored in place) besides C0 and builds ΔW a block of rows at a time; given
// a C0 it may overwrite (MethodContext.covarianceToOverwrite: at real sizes, read from its file for
// this solve alone) M is built in C0's own buffer, so a 14,336-wide key (Llama3-8B) costs one 1.6 GB
// matrix in all.
import { solveSpd } from "../../../linalg/index.js";
import {
  axpy,
  gram,
  matmul,
  toFloat64,
  trace,
  transpose2d,
  wrap,
  zeros,
  type Tensor64,
} from "../../../tensor/index.js";
import type { MethodContext } from "../types.js";

/** ΔW (d_model × d_ff, float32) for keys (n × d_ff rows), residuals (n × d_model rows, float64). */
export function memitLayerDelta(
  keys: Float32Array,
  resid: Float64Array,
  n: number,
  /**
   * C0, or a function giving C0 in a buffer the solve may overwrite: a new one, or `into` when
   * given (called again for each ridge tried, with the buffer of the first call)
   */
  covariance: Float64Array | ((into?: Float64Array) => Float64Array),
  lambda: number,
): Float32Array {
  const F = keys.length / n;
  const C = resid.length / n;
  const checked = (c: Float64Array): Float64Array => {
    if (c.length !== F * F)
      throw new Error(`covariance has ${c.length} entries, expected d_ff² = ${F}² for keys of width ${F}`);
    return c;
  };
  const Kt = toFloat64(wrap(keys, [n, F])); // (n, F) = Kᵀ: row i is key i
  let build: () => Tensor64; // λ·C0 + K Kᵀ, afresh for each ridge tried
  if (typeof covariance === "function") {
    let buffer: Float64Array | undefined; // one d_ff² matrix however many ridges are tried
    build = () => {
      buffer = checked(covariance(buffer));
      const M = wrap(buffer, [F, F]);
      for (let i = 0; i < M.data.length; i++) M.data[i] *= lambda; // as axpy into zeros: exactly λ·C0
      return gram(Kt, { trans: true, out: M, beta: 1 });
    };
  } else {
    const C0 = wrap(checked(covariance), [F, F]);
    const M = zeros([F, F], "f64");
    build = () => {
      M.data.fill(0);
      return gram(Kt, { trans: true, out: axpy(lambda, C0, M), beta: 1 });
    };
  }
  const A = solveNormalEquations(build, transpose2d(Kt)); // (F, n) = M⁻¹ K
  // ΔW (C, F) = R Aᵀ in float64, a block of rows at a time into the float32 result
  const R = transpose2d(wrap(resid, [n, C])); // (C, n)
  const delta = new Float32Array(C * F);
  const rows = Math.max(1, Math.min(C, Math.floor((1 << 22) / F)));
  const block = new Float64Array(rows * F);
  for (let r0 = 0; r0 < C; r0 += rows) {
    const r = Math.min(rows, C - r0);
    const Rblock = wrap(R.data.subarray(r0 * n, (r0 + r) * n), [r, n]);
    matmul(Rblock, A, { transB: true, out: wrap(block.subarray(0, r * F), [r, F]) });
    delta.set(block.subarray(0, r * F), r0 * F);
  }
  return delta;
}

/**
 * A = M⁻¹ B for M = λ C0 + K Kᵀ by Cholesky. When M is only positive semi-definite in floating
 * point (C0 from fewer tokens than d_ff, or keys confined to a subspace: random-weight models), the
 * reference's LU solve returns huge components along M's null space; here the smallest ridge
 * ε·tr(M)/d_ff·I (ε = 1e-12, 1e-10, … 1e-4) that makes M positive definite is added instead, which
 * gives the minimum-norm solution up to ε and leaves well-posed systems untouched. M is factored in
 * place (`build` writes it afresh for each try).
 */
function solveNormalEquations(build: () => Tensor64, B: Tensor64): Tensor64 {
  const first = build();
  const F = first.shape[0];
  const tr = trace(first);
  for (let ridge = 0; ; ridge = ridge === 0 ? 1e-12 : ridge * 100) {
    const M = ridge === 0 ? first : build();
    if (ridge > 0) for (let i = 0; i < F; i++) M.data[i * F + i] += (ridge * tr) / F;
    try {
      return solveSpd(M, B, { symmetryTolerance: Infinity, overwriteA: true });
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
  const toOverwrite = context.covarianceToOverwrite;
  const covariance = toOverwrite
    ? (into?: Float64Array) => toOverwrite(layer, into)
    : context.covariance(layer);
  return memitLayerDelta(keys, resid, n, covariance, lambda);
}
