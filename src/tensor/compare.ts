// Comparing tensors and checking their values: maxAbsDiff, relativeError (max-norm, relative to
// the reference b), and assertFinite, which names the offending argument and element.
import { assertSameShape } from "./elementwise.js";
import type { Tensor } from "./tensor.js";

/** max_i |a_i − b_i|; NaN in either operand gives NaN. Dtypes may differ, shapes may not. */
export function maxAbsDiff(a: Tensor, b: Tensor): number {
  assertSameShapeAnyDtype(a, b, "maxAbsDiff");
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) {
    const diff = Math.abs(a.data[i] - b.data[i]);
    if (Number.isNaN(diff)) return NaN;
    if (diff > worst) worst = diff;
  }
  return worst;
}

/** The floor of the denominator of relativeError, so an all-zero reference does not divide by 0. */
export const RELATIVE_ERROR_FLOOR = 1e-300;

/**
 * Max-norm relative error of `a` against the reference `b`:
 * max_i |a_i − b_i| / max(max_i |b_i|, 1e-300). Dtypes may differ, shapes may not.
 */
export function relativeError(a: Tensor, b: Tensor): number {
  const difference = maxAbsDiff(a, b);
  let reference = 0;
  for (let i = 0; i < b.data.length; i++) reference = Math.max(reference, Math.abs(b.data[i]));
  return difference / Math.max(reference, RELATIVE_ERROR_FLOOR);
}

/** Throws, naming `name` and the first bad index, if any element is NaN or ±Infinity. */
export function assertFinite(tensor: Tensor, name: string): void {
  for (let i = 0; i < tensor.data.length; i++) {
    if (!Number.isFinite(tensor.data[i]))
      throw new Error(
        `${name} has a non-finite value ${tensor.data[i]} at ${indexToString(i, tensor.shape)} ` +
          `(shape [${tensor.shape.join(", ")}])`,
      );
  }
}

function indexToString(flat: number, shape: readonly number[]): string {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    index.unshift(flat % shape[d]);
    flat = Math.floor(flat / shape[d]);
  }
  return `[${index.join(", ")}]`;
}

function assertSameShapeAnyDtype(a: Tensor, b: Tensor, what: string): void {
  if (a.data.constructor === b.data.constructor) return assertSameShape(a, b, what);
  if (a.shape.length !== b.shape.length || a.shape.some((dim, i) => dim !== b.shape[i]))
    throw new Error(`${what}: shapes differ: [${a.shape.join(", ")}] and [${b.shape.join(", ")}]`);
}
