// PRUNE (Ma et al., "Perturbation-Restrained Sequential Model Editing", ICLR 2025; as xpq-tech/BLUE
// experiments/evaluate.py applies it to MEMIT): the singular values of the accumulated update
// ΔW = Σ_i ΔW_i that exceed the largest singular value σ_max of the original weight W₀ are shrunk
// by log-scaling, σ ↦ ln σ − ln σ_max + σ_max, and the rest are left as they are:
//   ΔW' = ΔW + Σ_{σ_i > σ_max} (σ'_i − σ_i) u_i v_iᵀ = (I + U_k diag(σ'_i/σ_i − 1) U_kᵀ) ΔW,
// with u_i the left singular vectors (v_iᵀ = u_iᵀ ΔW / σ_i). The large singular triplets come from
// the eigendecomposition of the smaller Gram ΔW ΔWᵀ (or ΔWᵀ ΔW), so no full SVD of ΔW is needed,
// and ΔW' = ΔW exactly when no singular value exceeds σ_max. locedit restrains the raw sum after
// every batch (the model carries W₀ + ΔW' between batches); the reference does it once, at the end.
import { eigh } from "../../../linalg/index.js";
import { gram, matmul, toFloat32, toFloat64, type Tensor32, type Tensor64 } from "../../../tensor/index.js";

/** σ ↦ ln σ − ln σ_max + σ_max for σ > σ_max, else σ. */
export function restrainedSingularValue(sigma: number, sigmaMax: number): number {
  return sigma > sigmaMax ? Math.log(sigma) - Math.log(sigmaMax) + sigmaMax : sigma;
}

/** Eigen-pairs of the smaller Gram of `a` (float64): σ² ascending, vectors on the smaller side. */
function smallerGram(a: Tensor64): { wide: boolean; values: Float64Array; vectors: Tensor64 } {
  const [rows, cols] = a.shape;
  const wide = rows <= cols;
  const g = gram(a, { trans: !wide }); // wide: A Aᵀ (rows²); tall: Aᵀ A (cols²)
  const { values, vectors } = eigh(g, { symmetryTolerance: Infinity });
  return { wide, values: values.data, vectors };
}

/** The largest singular value of a matrix (from the smaller Gram's largest eigenvalue). */
export function largestSingularValue(w: Tensor32 | Tensor64): number {
  const { values } = smallerGram(toFloat64(w));
  return Math.sqrt(Math.max(0, values[values.length - 1]));
}

/** ΔW' of PRUNE: the singular values of ΔW above `sigmaMax` log-scaled, everything else kept. */
export function restrainSingularValues(delta: Tensor32, sigmaMax: number): Tensor32 {
  if (!(sigmaMax > 0)) throw new Error(`prune: σ_max of W₀ must be positive, got ${sigmaMax}`);
  const a = toFloat64(delta);
  const { wide, values, vectors } = smallerGram(a);
  const n = values.length;
  const picked: number[] = [];
  for (let j = n - 1; j >= 0 && Math.sqrt(Math.max(0, values[j])) > sigmaMax; j--) picked.push(j);
  if (picked.length === 0) return { data: delta.data.slice(), shape: [...delta.shape] };
  // U_k diag(c) with c_i = σ'_i/σ_i − 1 (columns of the picked singular vectors on the Gram's side).
  const k = picked.length;
  const basis = new Float64Array(n * k);
  const scaled = new Float64Array(n * k);
  picked.forEach((j, r) => {
    const sigma = Math.sqrt(values[j]);
    const c = restrainedSingularValue(sigma, sigmaMax) / sigma - 1;
    for (let i = 0; i < n; i++) {
      basis[i * k + r] = vectors.data[i * n + j];
      scaled[i * k + r] = c * vectors.data[i * n + j];
    }
  });
  const U: Tensor64 = { data: basis, shape: [n, k] };
  const Uc: Tensor64 = { data: scaled, shape: [n, k] };
  if (wide) {
    // ΔW' = ΔW + U_k diag(c) (U_kᵀ ΔW)
    const projected = matmul(U, a, { transA: true }); // (k, cols)
    return toFloat32(matmul(Uc, projected, { out: a, beta: 1 }));
  }
  // tall: ΔW' = ΔW + (ΔW V_k) diag(c) V_kᵀ
  const projected = matmul(a, U); // (rows, k)
  return toFloat32(matmul(projected, Uc, { transB: true, out: a, beta: 1 }));
}
