// General (non-symmetric) square solve over LAPACK gesv (LU with partial pivoting):
// solveGeneral(A, B) = A⁻¹·B. AlphaEdit's update (Fang et al., "AlphaEdit: Null-Space Constrained
// Knowledge Editing", ICLR 2025, closed-form update) applies (P·(K·Kᵀ + cache) + L2·I)⁻¹, whose matrix is not
// symmetric because the projector P multiplies from one side only; solve, never invert.
import { native } from "../native/binding.js";
import type { FloatData, Tensor } from "../tensor/index.js";
import { expectRightHandSide, expectSquare } from "./checks.js";

export interface SolveGeneralOptions {
  /**
   * Refuse A when LAPACK's estimate of its reciprocal condition number (1-norm) is below this:
   * the solution would have no correct digits. Default: the dtype's machine epsilon
   * (2⁻⁵² for float64, 2⁻²³ for float32); 0 accepts anything that is not exactly singular.
   */
  minRcond?: number;
}

/** X with A·X = B for a square A (n×n, any structure); B is a vector of n or an n×k matrix (X has B's shape). */
export function solveGeneral<T extends FloatData>(
  a: Tensor<T>,
  b: Tensor<T>,
  options: SolveGeneralOptions = {},
): Tensor<T> {
  const n = expectSquare(a, "solveGeneral", "A");
  const k = expectRightHandSide(b, n, a, "solveGeneral", "B");
  // gesv overwrites both arguments: A with its LU factors, B with X.
  const lu = a.data.slice() as T;
  const x = b.data.slice() as T;
  let rcond: number;
  try {
    if (lu instanceof Float64Array)
      rcond = native.dgesv(n, k, lu, Math.max(1, n), x as Float64Array, Math.max(1, k));
    else rcond = native.sgesv(n, k, lu as Float32Array, Math.max(1, n), x as Float32Array, Math.max(1, k));
  } catch (error) {
    throw new Error(`solveGeneral: the ${n}×${n} matrix A: ${(error as Error).message}`, { cause: error });
  }
  const minRcond = options.minRcond ?? (lu instanceof Float64Array ? 2 ** -52 : 2 ** -23);
  if (n > 0 && !(rcond >= minRcond))
    throw new Error(
      `solveGeneral: the ${n}×${n} matrix A is singular to working precision: estimated reciprocal ` +
        `condition number ${rcond.toExponential(3)} < ${minRcond.toExponential(3)} ` +
        `(pass minRcond to accept it)`,
    );
  return { data: x, shape: [...b.shape] };
}
