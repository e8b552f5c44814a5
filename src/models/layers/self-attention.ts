// The attention sublayer of a transformer block: q, k, v projections of the normalised input,
// optional rotary embedding, causal (grouped-query) attention, output projection.
// Shared by GPT-2 (fused c_attn split into q/k/v views, biases), GPT-J (partial interleaved
// rotary, no biases) and Llama (rotate-half rotary, GQA).
import { attentionBackward, attentionForward, type AttentionShape } from "./attention.js";
import { linearBackward, linearForward } from "./linear.js";
import type { RopeTable } from "./rope.js";
import type { Batch } from "../types.js";

export interface AttentionWeights {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  o: Float32Array;
  qBias: Float32Array | null;
  kBias: Float32Array | null;
  vBias: Float32Array | null;
  oBias: Float32Array | null;
}

/** Gradient buffers matching AttentionWeights (null entries are skipped). */
export type AttentionGrads = { [K in keyof AttentionWeights]: Float32Array | null };

export interface AttentionDims {
  C: number;
  NH: number;
  NKV: number;
  HS: number;
}

export interface AttentionSaved {
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
  att: Float32Array;
  heads: Float32Array;
}

/** Returns the attention output (N, C) before the residual add, and what the backward needs. */
export function selfAttentionForward(
  inp: Float32Array,
  w: AttentionWeights,
  dims: AttentionDims,
  rope: RopeTable | null,
  batch: Batch,
): { out: Float32Array; saved: AttentionSaved } {
  const { B, T } = batch;
  const N = B * T;
  const { C, NH, NKV, HS } = dims;
  const q = new Float32Array(N * NH * HS); // (N, NH·HS)
  const k = new Float32Array(N * NKV * HS); // (N, NKV·HS)
  const v = new Float32Array(N * NKV * HS);
  linearForward(q, inp, w.q, w.qBias, N, C, NH * HS);
  linearForward(k, inp, w.k, w.kBias, N, C, NKV * HS);
  linearForward(v, inp, w.v, w.vBias, N, C, NKV * HS);
  if (rope) {
    rope.apply(q, batch.positions, N, NH, HS);
    rope.apply(k, batch.positions, N, NKV, HS);
  }
  const att = new Float32Array(B * NH * T * T); // (B, NH, T, T)
  const heads = new Float32Array(N * NH * HS); // (N, NH·HS)
  const shape: AttentionShape = { B, T, NH, NKV, HS };
  attentionForward(heads, att, q, k, v, batch.mask, shape);
  const out = new Float32Array(N * C);
  linearForward(out, heads, w.o, w.oBias, N, NH * HS, C);
  return { out, saved: { q, k, v, att, heads } };
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
  const dq = new Float32Array(N * NH * HS);
  const dk = new Float32Array(N * NKV * HS);
  const dv = new Float32Array(N * NKV * HS);
  const shape: AttentionShape = { B, T, NH, NKV, HS };
  attentionBackward(dq, dk, dv, dheads, saved.att, saved.q, saved.k, saved.v, shape, new Float32Array(T * T));
  if (rope) {
    rope.apply(dq, batch.positions, N, NH, HS, true);
    rope.apply(dk, batch.positions, N, NKV, HS, true);
  }
  linearBackward(dinp, g?.q ?? null, g?.qBias ?? null, dq, inp, w.q, N, C, NH * HS);
  linearBackward(dinp, g?.k ?? null, g?.kBias ?? null, dk, inp, w.k, N, C, NKV * HS);
  linearBackward(dinp, g?.v ?? null, g?.vBias ?? null, dv, inp, w.v, N, C, NKV * HS);
}
