// The Tensor type of locedit: a dense row-major Float32Array or Float64Array plus a shape, with
// constructors (zeros, eye, fromArray, wrap), reshape, clone and dtype conversion. No autograd,
// no views with strides: a tensor owns (or shares, after reshape) one contiguous typed array.

export type Dtype = "f32" | "f64";
export type FloatData = Float32Array | Float64Array;

/** Dense row-major tensor; `data.length` always equals the product of `shape`. */
export interface Tensor<T extends FloatData = FloatData> {
  data: T;
  shape: number[];
}

export type Tensor32 = Tensor<Float32Array>;
export type Tensor64 = Tensor<Float64Array>;

/** Number of elements of a shape (1 for the scalar shape []); throws on a malformed shape. */
export function size(shape: readonly number[]): number {
  let count = 1;
  for (const dim of shape) {
    if (!Number.isInteger(dim) || dim < 0)
      throw new Error(`tensor shape [${shape.join(", ")}] must hold non-negative integers`);
    count *= dim;
  }
  return count;
}

export function dtypeOf(data: FloatData): Dtype {
  return data instanceof Float64Array ? "f64" : "f32";
}

/** A new zero-filled typed array of the same kind as `like`. */
export function allocLike<T extends FloatData>(like: T, length: number): T {
  return (like instanceof Float64Array ? new Float64Array(length) : new Float32Array(length)) as T;
}

function allocDtype(dtype: Dtype, length: number): FloatData {
  if (dtype === "f64") return new Float64Array(length);
  if (dtype === "f32") return new Float32Array(length);
  throw new Error(`tensor dtype must be "f32" or "f64", got ${JSON.stringify(dtype)}`);
}

/** Wraps an existing typed array (no copy) after checking that its length matches the shape. */
export function wrap<T extends FloatData>(data: T, shape: readonly number[]): Tensor<T> {
  if (!(data instanceof Float32Array || data instanceof Float64Array))
    throw new Error("tensor data must be a Float32Array or a Float64Array");
  const expected = size(shape);
  if (data.length !== expected)
    throw new Error(
      `tensor data has ${data.length} elements but shape [${shape.join(", ")}] needs ${expected}`,
    );
  return { data, shape: [...shape] };
}

export function zeros(shape: readonly number[], dtype: "f32"): Tensor32;
export function zeros(shape: readonly number[], dtype: "f64"): Tensor64;
export function zeros(shape: readonly number[], dtype: Dtype): Tensor;
export function zeros(shape: readonly number[], dtype: Dtype): Tensor {
  return { data: allocDtype(dtype, size(shape)), shape: [...shape] };
}

/** n×n identity matrix. */
export function eye(n: number, dtype: "f32"): Tensor32;
export function eye(n: number, dtype: "f64"): Tensor64;
export function eye(n: number, dtype: Dtype): Tensor;
export function eye(n: number, dtype: Dtype): Tensor {
  const out = zeros([n, n], dtype);
  for (let i = 0; i < n; i++) out.data[i * n + i] = 1;
  return out;
}

/** Nested number arrays, e.g. [[1, 2], [3, 4]]. */
export type NestedNumbers = number | NestedNumbers[];

/**
 * Builds a tensor by copying values. With `shape`, `values` is flat (its length must match);
 * without, `values` is a nested array whose rectangular structure gives the shape.
 */
export function fromArray(
  values: ArrayLike<number> | NestedNumbers[],
  dtype: "f32",
  shape?: readonly number[],
): Tensor32;
export function fromArray(
  values: ArrayLike<number> | NestedNumbers[],
  dtype: "f64",
  shape?: readonly number[],
): Tensor64;
export function fromArray(
  values: ArrayLike<number> | NestedNumbers[],
  dtype: Dtype,
  shape?: readonly number[],
): Tensor;
export function fromArray(
  values: ArrayLike<number> | NestedNumbers[],
  dtype: Dtype,
  shape?: readonly number[],
): Tensor {
  const nested = Array.isArray(values) && values.some((value) => Array.isArray(value));
  const finalShape = shape ? [...shape] : nested ? nestedShape(values as NestedNumbers[]) : [values.length];
  const flat: ArrayLike<number> = nested ? flatten(values as NestedNumbers[]) : (values as ArrayLike<number>);
  const out = zeros(finalShape, dtype);
  if (flat.length !== out.data.length)
    throw new Error(`fromArray: ${flat.length} values do not fill shape [${finalShape.join(", ")}]`);
  for (let i = 0; i < flat.length; i++) {
    if (typeof flat[i] !== "number") throw new Error(`fromArray: value ${i} is not a number`);
    out.data[i] = flat[i];
  }
  return out;
}

function flatten(values: NestedNumbers[], out: number[] = []): number[] {
  for (const value of values) {
    if (Array.isArray(value)) flatten(value, out);
    else out.push(value);
  }
  return out;
}

function nestedShape(values: NestedNumbers[]): number[] {
  const shape = [values.length];
  const first = values[0];
  if (Array.isArray(first)) {
    const inner = nestedShape(first);
    for (const [index, value] of values.entries()) {
      if (!Array.isArray(value) || nestedShape(value).join() !== inner.join())
        throw new Error(
          `fromArray: nested array is ragged at index ${index}; expected shape [${inner.join(", ")}]`,
        );
    }
    shape.push(...inner);
  }
  return shape;
}

/** Same data, new shape (no copy); one dimension may be -1 and is inferred. */
export function reshape<T extends FloatData>(tensor: Tensor<T>, shape: readonly number[]): Tensor<T> {
  const inferred = shape.indexOf(-1);
  if (inferred >= 0) {
    const known = size(shape.filter((_, i) => i !== inferred));
    if (known === 0 || tensor.data.length % known !== 0)
      throw new Error(`reshape: cannot infer -1 in [${shape.join(", ")}] for ${tensor.data.length} elements`);
    return wrap(
      tensor.data,
      shape.map((dim) => (dim === -1 ? tensor.data.length / known : dim)),
    );
  }
  if (size(shape) !== tensor.data.length)
    throw new Error(
      `reshape: [${tensor.shape.join(", ")}] (${tensor.data.length} elements) cannot become [${shape.join(", ")}]`,
    );
  return wrap(tensor.data, shape);
}

export function clone<T extends FloatData>(tensor: Tensor<T>): Tensor<T> {
  return { data: tensor.data.slice() as T, shape: [...tensor.shape] };
}

/** A float64 copy (always a copy, even when the input is already float64). */
export function toFloat64(tensor: Tensor): Tensor64 {
  return { data: Float64Array.from(tensor.data), shape: [...tensor.shape] };
}

/** A float32 copy, rounding to nearest (always a copy). */
export function toFloat32(tensor: Tensor): Tensor32 {
  return { data: Float32Array.from(tensor.data), shape: [...tensor.shape] };
}

/** Throws unless `tensor` has exactly `rank` dimensions; returns the shape for destructuring. */
export function expectRank(tensor: Tensor, rank: number, what: string): number[] {
  if (tensor.shape.length !== rank)
    throw new Error(`${what} must have ${rank} dimensions, got shape [${tensor.shape.join(", ")}]`);
  return tensor.shape;
}

/** Row-major element (i, j) of a 2-D tensor. */
export function get2d(tensor: Tensor, i: number, j: number): number {
  return tensor.data[i * tensor.shape[1] + j];
}
