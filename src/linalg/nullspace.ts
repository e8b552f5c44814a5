// AlphaEdit's null-space projector (Fang et al., "AlphaEdit: Null-Space Constrained Knowledge
// Editing for Language Models", arXiv 2410.02355, the projection P = Û·Ûᵀ): U₀ holds the
// eigenvectors of the key covariance C whose eigenvalues are below a threshold. P·k ≈ 0 for every
// preserved key k, so an update Δ·P leaves their outputs unchanged.
import { gram, type FloatData, type Tensor } from "../tensor/index.js";
import type { SymmetricOptions } from "./checks.js";
import { eigh } from "./eigh.js";

/**
 * U₀ (n×r): orthonormal eigenvectors of symmetric C with |eigenvalue| < threshold, as columns,
 * smallest first. |λ| rather than λ matches the reference, which thresholds the singular values of
 * C (for a covariance, which is positive semi-definite, the two are the same).
 */
export function nullSpaceBasis<T extends FloatData>(
  c: Tensor<T>,
  threshold: number,
  options: SymmetricOptions = {},
): Tensor<T> {
  if (!(Number.isFinite(threshold) && threshold > 0))
    throw new Error(`nullSpaceBasis: threshold must be a positive finite number, got ${threshold}`);
  const { values, vectors } = eigh(c, options);
  const n = values.data.length;
  const kept: number[] = [];
  for (let j = 0; j < n; j++) if (Math.abs(values.data[j]) < threshold) kept.push(j);
  const basis = (
    c.data instanceof Float64Array ? new Float64Array(n * kept.length) : new Float32Array(n * kept.length)
  ) as T;
  for (let i = 0; i < n; i++)
    for (let r = 0; r < kept.length; r++) basis[i * kept.length + r] = vectors.data[i * n + kept[r]];
  return { data: basis, shape: [n, kept.length] };
}

/** P = U₀·U₀ᵀ (n×n, symmetric, idempotent) from `nullSpaceBasis(C, threshold)`; AlphaEdit uses threshold 2e-2. */
export function nullSpaceProjector<T extends FloatData>(
  c: Tensor<T>,
  threshold: number,
  options: SymmetricOptions = {},
): Tensor<T> {
  return gram(nullSpaceBasis(c, threshold, options));
}
