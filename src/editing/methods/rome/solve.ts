// ROME's rank-one update (Meng et al., "Locating and Editing Factual Associations in GPT", arXiv
// 2202.05262, Eq. 2; kmeng01/rome compute_u.py, rome_main.py): with k̄ the key averaged over the
// context templates, k the plain prompt's key, W k the MLP output there and v* the value compute_z
// asks for,
//   u = C0⁻¹ k̄ / ‖C0⁻¹ k̄‖   (C0⁻¹ by a solve),     ΔW = (v* − W k) uᵀ / (k · u).
import { solveSpd } from "../../../linalg/index.js";
import { dot, matmul, norm, reshape, scale, sub, toFloat32, toFloat64, wrap } from "../../../tensor/index.js";

/** u = C0⁻¹k̄ / ‖C0⁻¹k̄‖ (or k̄/‖k̄‖ without mom2_adjustment), float64 (d_ff). */
export function romeLeftVector(meanKey: Float32Array, covariance: Float64Array | null): Float64Array {
  const F = meanKey.length;
  const kMean = toFloat64(wrap(meanKey, [F]));
  const u = covariance ? solveSpd(wrap(covariance, [F, F]), kMean) : kMean; // C0⁻¹ k̄
  const length = norm(u);
  if (!(length > 0)) throw new Error("ROME: the subject's key is zero, so no rank-one update can reach it");
  return scale(u, 1 / length).data;
}

/** ΔW (d_model × d_ff, float32) = (v* − W k) uᵀ / (k · u) for u from romeLeftVector. */
export function romeRankOneDelta(
  u: Float64Array,
  key: Float32Array,
  mlpOutput: Float32Array,
  vStar: Float32Array,
): Float32Array {
  const F = u.length;
  const C = vStar.length;
  const U = wrap(u, [F]);
  const k = toFloat64(wrap(key, [F]));
  const residual = sub(toFloat64(wrap(vStar, [C])), toFloat64(wrap(mlpOutput, [C]))); // v* − W k
  const right = scale(residual, 1 / dot(k, U)); // (C)
  return toFloat32(matmul(reshape(right, [C, 1]), reshape(U, [1, F]))).data; // (C, F)
}
