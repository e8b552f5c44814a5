// The attention sublayer of a transformer block: q, k, v projections of the normalised input,
// optional per-head RMSNorm of q and k (Qwen3), optional rotary embedding, causal (grouped-query)
// attention, output projection.
// Shared by GPT-2 (fused c_attn: one GEMM for q, k and v, biases), GPT-J (partial interleaved
// rotary, no biases), Llama/Mistral/Qwen (rotate-half rotary, GQA) and GPT-NeoX (fused, partial
// rotate-half rotary).
import {
  attentionBackward,
  attentionForward,
  attentionIncremental,
  type AttentionShape,
  type AttentionStrides,
} from "./attention.js";
import { linearBackward, linearForward } from "./linear.js";
import { rmsNormBackward, rmsNormForward } from "./rmsnorm.js";
import type { RopeTable } from "./rope.js";
import type { KVCache } from "../kv-cache.js";
import type { Batch } from "../types.js";
import type { Weight } from "./weight.js";

/** W: the parameters (float32 or kept 16-bit), or Float32Array for gradient buffers laid out alike. */
export interface AttentionWeights<W extends Weight = Weight> {
  q: W;
  k: W;
  v: W;
  o: W;
  qBias: W | null;
  kBias: W | null;
  vBias: W | null;
  oBias: W | null;
  /**
   * The q, k, v projections as one matrix ((NH + 2·NKV)·HS, C), rows [q; k; v], and its bias:
   * when given, one GEMM computes all three (q/k/v above are then views into it, unused).
   */
  fused?: { weight: W; bias: W | null } | null;
  /** RMSNorm weights (HS) applied to each head of q and of k before RoPE (Qwen3); not with `fused` */
  qkNorm?: { q: W; k: W; eps: number } | null;
}

/** Gradient buffers matching AttentionWeights (null entries are skipped). */
export type AttentionGrads = {
  [K in Exclude<keyof AttentionWeights, "fused" | "qkNorm">]: Float32Array | null;
} & { fused?: AttentionWeights<Float32Array>["fused"]; qkNorm?: AttentionWeights<Float32Array>["qkNorm"] };

export interface AttentionDims {
  C: number;
  NH: number;
  NKV: number;
  HS: number;
}

export interface AttentionSaved {
  strides: AttentionStrides;
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  att: Float32Array;
  heads: Float32Array;
  /** q and k before their per-head RMSNorm, and its rstd per head (Qwen3), or null */
  norm: HeadNormSaved | null;
}

interface HeadNormSaved {
  qIn: Float32Array;
  kIn: Float32Array;
  qRstd: Float32Array;
  kRstd: Float32Array;
}

/** RMSNorm over each head of q (N, NH·HS) and k (N, NKV·HS), in place; returns what the backward needs. */
function normalizeHeads(
  q: Float32Array,
  k: Float32Array,
  norm: NonNullable<AttentionWeights["qkNorm"]>,
  N: number,
  dims: AttentionDims,
): HeadNormSaved {
  const { NH, NKV, HS } = dims;
  const saved = { qIn: q.slice(), kIn: k.slice(), qRstd: new Float32Array(N * NH), kRstd: new Float32Array(N * NKV) };
  rmsNormForward(q, saved.qRstd, saved.qIn, norm.q, N * NH, HS, norm.eps);
  rmsNormForward(k, saved.kRstd, saved.kIn, norm.k, N * NKV, HS, norm.eps);
  return saved;
}

/**
 * Returns the attention output (N, C) and what the backward needs. With `residual`, the output
 * projection accumulates into it (in place) and `out` is residual + attention.
 */
export function selfAttentionForward(
  inp: Float32Array,
  w: AttentionWeights,
  dims: AttentionDims,
  rope: RopeTable | null,
  batch: Batch,
  residual?: Float32Array,
): { out: Float32Array; saved: AttentionSaved } {
  const { B, T } = batch;
  const N = B * T;
  const { C, NH, NKV, HS } = dims;
  const { q, k, v, strides } = projectQkv(inp, w, dims, N);
  const norm = w.qkNorm ? normalizeHeads(q, k, w.qkNorm, N, dims) : null;
  if (rope) {
    rope.apply(q, batch.positions, N, NH, HS, false, strides.ldq);
    rope.apply(k, batch.positions, N, NKV, HS, false, strides.ldk);
  }
  const att = new Float32Array(B * NH * T * T); // (B, NH, T, T)
  const heads = new Float32Array(N * NH * HS); // (N, NH·HS)
  const shape: AttentionShape = { B, T, NH, NKV, HS };
  attentionForward(heads, att, q, k, v, batch.mask, shape, strides);
  const out = residual ?? new Float32Array(N * C);
  linearForward(out, heads, w.o, w.oBias, N, NH * HS, C, residual !== undefined);
  return { out, saved: { strides, q, k, v, att, heads, norm } };
}

/**
 * Inference only: attention of the new tokens (inp: B·T rows, T per row, positions in `tokens`)
 * over the cached keys and their own. Stores their rotated keys and values in layer `layer` of
 * the cache (which `extend` has already grown by T), then accumulates the output projection into
 * `residual` (N, C) in place and returns it.
 */
export function selfAttentionIncremental(
  inp: Float32Array,
  w: AttentionWeights,
  dims: AttentionDims,
  rope: RopeTable | null,
  tokens: Batch,
  cache: KVCache,
  layer: number,
  residual: Float32Array,
): Float32Array {
  const { B, T } = tokens;
  const N = B * T;
  const { C, NH, NKV, HS } = dims;
  const { q, k, v, strides } = projectQkv(inp, w, dims, N);
  if (w.qkNorm) normalizeHeads(q, k, w.qkNorm, N, dims);
  if (rope) {
    rope.apply(q, tokens.positions, N, NH, HS, false, strides.ldq);
    rope.apply(k, tokens.positions, N, NKV, HS, false, strides.ldk);
  }
  cache.store(layer, k, strides.ldk, v, strides.ldv, T);
  const heads = new Float32Array(N * NH * HS); // (N, NH·HS)
  const shape = { B, Tq: T, Tk: cache.length, NH, NKV, HS };
  attentionIncremental(heads, q, strides.ldq, cache.layer(layer), shape);
  linearForward(residual, heads, w.o, w.oBias, N, NH * HS, C, true);
  return residual;
}

/** q (N, NH·HS), k and v (N, NKV·HS): separate buffers, or views into one fused product. */
function projectQkv(inp: Float32Array, w: AttentionWeights, dims: AttentionDims, N: number) {
  const { C, NH, NKV, HS } = dims;
  const Q = NH * HS;
  const KV = NKV * HS;
  if (w.fused) {
    if (w.qkNorm) throw new Error("per-head q/k RMSNorm needs separate q, k, v projections, not a fused one");
    const width = Q + 2 * KV;
    const qkv = new Float32Array(N * width); // (N, Q + 2·KV)
    linearForward(qkv, inp, w.fused.weight, w.fused.bias, N, C, width);
    const strides = { ldq: width, ldk: width, ldv: width, ldo: Q };
    return { q: qkv, k: qkv.subarray(Q), v: qkv.subarray(Q + KV), strides };
  }
  const q = new Float32Array(N * Q);
  const k = new Float32Array(N * KV);
  const v = new Float32Array(N * KV);
  linearForward(q, inp, w.q, w.qBias, N, C, Q);
  linearForward(k, inp, w.k, w.kBias, N, C, KV);
  linearForward(v, inp, w.v, w.vBias, N, C, KV);
  return { q, k, v, strides: { ldq: Q, ldk: KV, ldv: KV, ldo: Q } };
}

/** Accumulates (+=) the gradient with respect to the sublayer input into dinp (N, C). */
export function selfAttentionBackward(
  dinp: Float32Array,
  dout: Float32Array,
  inp: Float32Array,
  saved: AttentionSaved,
  w: AttentionWeights,
  g: AttentionGrads | null,
  dims: AttentionDims,
  rope: RopeTable | null,
  batch: Batch,
): void {
  const { B, T } = batch;
  const N = B * T;
  const { C, NH, NKV, HS } = dims;
  const dheads = new Float32Array(N * NH * HS);
  linearBackward(dheads, g?.o ?? null, g?.oBias ?? null, dout, saved.heads, w.o, N, NH * HS, C);
  const shape: AttentionShape = { B, T, NH, NKV, HS };
  const Q = NH * HS;
  const KV = NKV * HS;
  const st = saved.strides;
  const fusedWidth = Q + 2 * KV;
  const dqkv = w.fused ? new Float32Array(N * fusedWidth) : null;
  const dq = dqkv ?? new Float32Array(N * Q);
  const dk = dqkv ? dqkv.subarray(Q) : new Float32Array(N * KV);
  const dv = dqkv ? dqkv.subarray(Q + KV) : new Float32Array(N * KV);
  attentionBackward(dq, dk, dv, dheads, saved.att, saved.q, saved.k, saved.v, shape, st);
  if (rope) {
    rope.apply(dq, batch.positions, N, NH, HS, true, st.ldq);
    rope.apply(dk, batch.positions, N, NKV, HS, true, st.ldk);
  }
  if (w.fused && dqkv) {
    const gf = g?.fused ?? null;
    linearBackward(dinp, gf?.weight ?? null, gf?.bias ?? null, dqkv, inp, w.fused.weight, N, C, fusedWidth);
    return;
  }
  const { dqIn, dkIn } = w.qkNorm && saved.norm ? headNormBackward(dq, dk, saved.norm, w.qkNorm, g, N, dims) : { dqIn: dq, dkIn: dk };
  linearBackward(dinp, g?.q ?? null, g?.qBias ?? null, dqIn, inp, w.q, N, C, Q);
  linearBackward(dinp, g?.k ?? null, g?.kBias ?? null, dkIn, inp, w.k, N, C, KV);
  linearBackward(dinp, g?.v ?? null, g?.vBias ?? null, dv, inp, w.v, N, C, KV);
}

/** Back through the per-head RMSNorm: gradients with respect to q and k before it (+ its weights'). */
function headNormBackward(
  dq: Float32Array,
  dk: Float32Array,
  saved: HeadNormSaved,
  norm: NonNullable<AttentionWeights["qkNorm"]>,
  g: AttentionGrads | null,
  N: number,
  dims: AttentionDims,
): { dqIn: Float32Array; dkIn: Float32Array } {
  const { NH, NKV, HS } = dims;
  const dqIn = new Float32Array(dq.length);
  const dkIn = new Float32Array(dk.length);
  const gn = g?.qkNorm ?? null;
  rmsNormBackward(dqIn, gn?.q ?? null, dq, saved.qIn, norm.q, saved.qRstd, N * NH, HS);
  rmsNormBackward(dkIn, gn?.k ?? null, dk, saved.kIn, norm.k, saved.kRstd, N * NKV, HS);
  return { dqIn, dkIn };
}
