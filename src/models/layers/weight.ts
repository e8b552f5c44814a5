// A parameter as the model holds it: float32, or the 16-bit floats (F16 / BF16) the checkpoint
// stores, 2 bytes per value, widened to float32 only where computed (issue 12 §1: a GPT-J-6B or
// Llama3-8B checkpoint fits a 24 GB machine only this way). The layers accept either form:
// linear.ts runs the GEMM natively on the stored bits (native/half.c), norms and biases widen
// their vector per call, the embedding widens the rows it looks up. Widening is exact, so a
// 16-bit model computes what the same weights widened to float32 compute, up to float32 rounding.
import { native } from "../../native/binding.js";
import type { HalfBits, HalfDtype } from "../../io/dtypes.js";

/** A tensor of F16 or BF16 bit patterns, flat (row-major like the float32 parameters). */
export class HalfTensor implements HalfBits {
  constructor(
    readonly dtype: HalfDtype,
    readonly bits: Uint16Array,
  ) {}

  get length(): number {
    return this.bits.length;
  }

  /** A view of elements [begin, end), sharing the bits (like Float32Array.subarray). */
  subarray(begin: number, end?: number): HalfTensor {
    return new HalfTensor(this.dtype, this.bits.subarray(begin, end));
  }

  /** Elements [begin, begin + count) widened into out[outOffset …]. */
  widenInto(out: Float32Array, outOffset = 0, begin = 0, count = this.length - begin): Float32Array {
    native.widenHalf(this.dtype, this.bits, begin, out, outOffset, count);
    return out;
  }

  /** A float32 copy of the whole tensor. */
  toFloat32(): Float32Array {
    return this.widenInto(new Float32Array(this.length));
  }
}

export type Weight = Float32Array | HalfTensor;

/** The dtype the values are held in. */
export function dtypeOf(weight: Weight): "F32" | HalfDtype {
  return weight instanceof HalfTensor ? weight.dtype : "F32";
}

/** A view of elements [begin, end) of the same kind as `weight` (q/k/v parts of a fused projection). */
export function weightSlice<W extends Weight>(weight: W, begin: number, end: number): W {
  return weight.subarray(begin, end) as W;
}

/** The values as float32: the array itself, or a widened copy (for small vectors: norms, biases). */
export function vectorOf(weight: Weight): Float32Array {
  return weight instanceof HalfTensor ? weight.toFloat32() : weight;
}

/** Row `row` (of `width` values) of a matrix widened into out[outOffset …] (embedding lookup). */
export function readRow(weight: Weight, row: number, width: number, out: Float32Array, outOffset: number): void {
  if (weight instanceof HalfTensor) weight.widenInto(out, outOffset, row * width, width);
  else out.set(weight.subarray(row * width, row * width + width), outOffset);
}
