// Causal scaled dot-product attention (Vaswani et al. 2017, eq. 1): softmax(Q·Kᵀ/√d + M)·V with
// M masking future keys and padded keys. Grouped-query attention (Ainslie et al. 2023): query head
// h reads key/value head ⌊h / (NH/NKV)⌋. The whole batch runs in one native call
// (native/attention.c): sgemm per (b, h) and a vectorised masked softmax. The incremental form
// (a KV cache) runs Tq new queries over Tk cached + new keys, inference only. The prefix form
// (native/attention-prefix.c) runs T new tokens per row over P cached earlier positions whose keys
// and values are constant, with a backward to the new tokens' q, k, v (compute_z's prefix cache).
import { native } from "../../native/binding.js";

export interface AttentionShape {
  B: number;
  T: number;
  /** query heads, key/value heads, head dim */
  NH: number;
  NKV: number;
  HS: number;
}

/** Leading dimensions of q, k, v and out (default: packed heads). */
export interface AttentionStrides {
  ldq: number;
  ldk: number;
  ldv: number;
  ldo: number;
}

function packed(shape: AttentionShape): AttentionStrides {
  return {
    ldq: shape.NH * shape.HS,
    ldk: shape.NKV * shape.HS,
    ldv: shape.NKV * shape.HS,
    ldo: shape.NH * shape.HS,
  };
}

/**
 * out (B·T, NH·HS) = attention of q (B·T, NH·HS) over k, v (B·T, NKV·HS); att (B, NH, T, T)
 * receives the probabilities (saved for the backward). keyMask (B·T) is 1 for real tokens.
 * A query with no visible key (a left-padding position) gets probabilities 0 and output 0.
 */
export function attentionForward(
  out: Float32Array,
  att: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  keyMask: Uint8Array,
  shape: AttentionShape,
  strides: AttentionStrides = packed(shape),
): void {
  const { B, T, NH, NKV, HS } = shape;
  const { ldq, ldk, ldv, ldo } = strides;
  native.attentionForward(B, T, NH, NKV, HS, ldq, ldk, ldv, ldo, q, k, v, keyMask, out, att);
}

/** Backward of attentionForward. Accumulates (+=) dq, dk, dv from dout (B·T, NH·HS). */
export function attentionBackward(
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  dout: Float32Array,
  att: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  shape: AttentionShape,
  strides: AttentionStrides = packed(shape),
): void {
  const { B, T, NH, NKV, HS } = shape;
  const { ldq, ldk, ldv, ldo } = strides;
  native.attentionBackward(B, T, NH, NKV, HS, ldq, ldk, ldv, ldo, q, k, v, att, dout, dq, dk, dv);
}

/** Sizes of an incremental attention: Tq new queries per row over Tk keys, the last Tq of them new. */
export interface IncrementalAttentionShape {
  B: number;
  Tq: number;
  Tk: number;
  NH: number;
  NKV: number;
  HS: number;
}

/** Keys, values (B, kvRows, NKV·HS) and key mask (B, kvRows) of a cache with room for kvRows per row. */
export interface CachedKeys {
  keys: Float32Array;
  values: Float32Array;
  mask: Uint8Array;
  kvRows: number;
}

/**
 * out (B·Tq, NH·HS) = attention of q (B·Tq, rows ldq apart) over the first Tk cached keys and
 * values of each row, query i standing at absolute index Tk − Tq + i (causal, padding masked).
 */
export function attentionIncremental(
  out: Float32Array,
  q: Float32Array,
  ldq: number,
  cached: CachedKeys,
  shape: IncrementalAttentionShape,
): void {
  const { B, Tq, Tk, NH, NKV, HS } = shape;
  const KV = NKV * HS;
  const { keys, values, mask, kvRows } = cached;
  native.attentionIncremental(B, Tq, Tk, NH, NKV, HS, ldq, KV, KV, NH * HS, kvRows, q, keys, values, mask, out);
}

/**
 * Keys (post-RoPE) and values of each batch row's P cached earlier positions, packed
 * (B·P, NKV·HS), and their mask (B·P, 1 for a real position): the prefix that a batch of the
 * tokens after them attends to.
 */
export interface PrefixKeys {
  P: number;
  keys: Float32Array;
  values: Float32Array;
  mask: Uint8Array;
}

function checkPrefix(prefix: PrefixKeys, B: number, KV: number): void {
  const { P, keys, values, mask } = prefix;
  if (!(Number.isInteger(P) && P >= 1) || mask.length !== B * P || keys.length !== B * P * KV || values.length !== keys.length)
    throw new Error(
      `attention prefix: expected keys/values of B·P·KV = ${B}·${P}·${KV} floats and a mask of ${B}·${P}, ` +
        `got ${keys.length}, ${values.length} and ${mask.length}`,
    );
}

/**
 * out (B·T, NH·HS) = attention of q over [prefix keys ; k] and [prefix values ; v]: query i sees
 * every real prefix position and the new keys j ≤ i (keyMask (B·T) and prefix.mask mark padding).
 * att (B, NH, T, P + T) receives the probabilities, prefix columns first.
 */
export function attentionPrefixForward(
  out: Float32Array,
  att: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  keyMask: Uint8Array,
  prefix: PrefixKeys,
  shape: AttentionShape,
  strides: AttentionStrides = packed(shape),
): void {
  const { B, T, NH, NKV, HS } = shape;
  const { ldq, ldk, ldv, ldo } = strides;
  checkPrefix(prefix, B, NKV * HS);
  const { P, keys, values, mask } = prefix;
  native.attentionPrefixForward(B, T, P, NH, NKV, HS, ldq, ldk, ldv, ldo, q, k, v, keyMask, keys, values, mask, out, att);
}

/** Backward of attentionPrefixForward: accumulates (+=) dq and the new tokens' dk, dv (the prefix is constant). */
export function attentionPrefixBackward(
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  dout: Float32Array,
  att: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  prefix: PrefixKeys,
  shape: AttentionShape,
  strides: AttentionStrides = packed(shape),
): void {
  const { B, T, NH, NKV, HS } = shape;
  const { ldq, ldk, ldv, ldo } = strides;
  checkPrefix(prefix, B, NKV * HS);
  const { P, keys, values } = prefix;
  native.attentionPrefixBackward(B, T, P, NH, NKV, HS, ldq, ldk, ldv, ldo, q, k, v, keys, values, att, dout, dq, dk, dv);
}

/** This batch's own keys and values (B·T rows, ldk / ldv apart) packed as a prefix for the tokens after them. */
export function packPrefixKeys(
  k: Float32Array,
  v: Float32Array,
  strides: AttentionStrides,
  mask: Uint8Array,
  B: number,
  T: number,
  KV: number,
): PrefixKeys {
  const keys = new Float32Array(B * T * KV);
  const values = new Float32Array(B * T * KV);
  for (let n = 0; n < B * T; n++) {
    keys.set(k.subarray(n * strides.ldk, n * strides.ldk + KV), n * KV);
    values.set(v.subarray(n * strides.ldv, n * strides.ldv + KV), n * KV);
  }
  return { P: T, keys, values, mask: mask.slice() };
}
