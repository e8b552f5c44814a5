// Elementwise arithmetic and reductions on tensors of equal shape and dtype: add, sub, mul, scale,
// axpy (in place), dot, sum, norm. Reductions accumulate in float64 whatever the storage dtype.
import { allocLike, type FloatData, type Tensor } from "./tensor.js";

/** Throws unless a and b have the same shape and dtype. */
export function assertSameShape(a: Tensor, b: Tensor, what: string): void {
  if (a.shape.length !== b.shape.length || a.shape.some((dim, i) => dim !== b.shape[i]))
    throw new Error(`${what}: shapes differ: [${a.shape.join(", ")}] and [${b.shape.join(", ")}]`);
  if (a.data.constructor !== b.data.constructor)
    throw new Error(`${what}: dtypes differ: ${a.data.constructor.name} and ${b.data.constructor.name}`);
}

function zip<T extends FloatData>(
  a: Tensor<T>,
  b: Tensor<T>,
  what: string,
  op: (x: number, y: number) => number,
) {
  assertSameShape(a, b, what);
  const out = allocLike(a.data, a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = op(a.data[i], b.data[i]);
  return { data: out, shape: [...a.shape] };
}

/** a + b */
export function add<T extends FloatData>(a: Tensor<T>, b: Tensor<T>): Tensor<T> {
  return zip(a, b, "add", (x, y) => x + y);
}

/** a − b */
export function sub<T extends FloatData>(a: Tensor<T>, b: Tensor<T>): Tensor<T> {
  return zip(a, b, "sub", (x, y) => x - y);
}

/** a ⊙ b (elementwise product) */
export function mul<T extends FloatData>(a: Tensor<T>, b: Tensor<T>): Tensor<T> {
  return zip(a, b, "mul", (x, y) => x * y);
}

/** alpha·a (new tensor) */
export function scale<T extends FloatData>(a: Tensor<T>, alpha: number): Tensor<T> {
  const out = allocLike(a.data, a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = alpha * a.data[i];
  return { data: out, shape: [...a.shape] };
}

/** y ← y + alpha·x, **in place** on y; returns y. */
export function axpy<T extends FloatData>(alpha: number, x: Tensor<T>, y: Tensor<T>): Tensor<T> {
  assertSameShape(x, y, "axpy");
  for (let i = 0; i < y.data.length; i++) y.data[i] += alpha * x.data[i];
  return y;
}

/** Σ a_i·b_i over all elements, accumulated in float64. */
export function dot(a: Tensor, b: Tensor): number {
  assertSameShape(a, b, "dot");
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += a.data[i] * b.data[i];
  return sum;
}

/** Σ a_i, accumulated in float64. */
export function sum(a: Tensor): number {
  let total = 0;
  for (let i = 0; i < a.data.length; i++) total += a.data[i];
  return total;
}

/** Euclidean norm over all elements (Frobenius norm for a matrix), scaled to avoid overflow. */
export function norm(a: Tensor): number {
  let largest = 0;
  for (let i = 0; i < a.data.length; i++) largest = Math.max(largest, Math.abs(a.data[i]));
  if (largest === 0 || !Number.isFinite(largest)) return largest;
  let sumSquares = 0;
  for (let i = 0; i < a.data.length; i++) {
    const scaled = a.data[i] / largest;
    sumSquares += scaled * scaled;
  }
  return largest * Math.sqrt(sumSquares);
}
