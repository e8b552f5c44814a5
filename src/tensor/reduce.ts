// Reductions over float32 arrays that accumulate in float64 (the order is the index order, so a
// result is reproducible bit for bit).
import { native } from "../native/binding.js";

/** Σ x_i², accumulated in float64. */
export function sumOfSquares(x: Float32Array): number {
  return native.sumSquares(x);
}
