// Shared types of the model runtime: a padded batch, the edit-surface hooks (deltas added at a
// layer's attention output, MLP output or block output), and the Block contract each
// architecture implements (forward saving what its backward needs, llm.c style, and an
// inference-only incremental forward against a KV cache).

import type { KVCache } from "./kv-cache.js";
import type { Weight } from "./layers/weight.js";

/** A padded batch of B sequences of length T, flattened row-major to N = B·T tokens. */
export interface Batch {
  B: number;
  T: number;
  /** token ids (B·T); padding positions hold the pad id */
  ids: Int32Array;
  /** 1 for real tokens, 0 for padding (B·T) */
  mask: Uint8Array;
  /** position ids (B·T): cumsum(mask) − 1, clamped at 0, as Hugging Face's generate does */
  positions: Int32Array;
}

/** Where a delta is added inside a layer: the edit surface of ARCHITECTURE.md §2. */
export type DeltaSite = "block" | "mlp" | "attn";

/** Adds `vector` (d_model) at layer `layer`, site `site`, token (row, position) of the batch. */
export interface DeltaHook {
  layer: number;
  site: DeltaSite;
  row: number;
  position: number;
  vector: Float32Array;
}

/** Parameter lookup by Hugging Face tensor name (canonical form, see each weights.ts): float32 or kept 16-bit. */
export type WeightLookup = (name: string) => Weight;

/** Float32 buffers by parameter name (gradients; float32 parameters). */
export type ParamLookup = (name: string) => Float32Array;

/** What one block's forward returns; `saved` holds what its backward needs. */
export interface BlockOutput {
  /** residual stream after the block (N, C) */
  out: Float32Array;
  /** the MLP output projection's input, the "key" of ROME/MEMIT (N, d_ff) */
  key: Float32Array;
  saved: unknown;
}

export interface BlockGradients {
  /** gradient with respect to the block's input (N, C) */
  dx: Float32Array;
  /** gradient with respect to the attention output (the PMET/"attn" delta site) (N, C) */
  dAttnOut: Float32Array;
  /** gradient with respect to the MLP output (the "mlp" delta site) (N, C) */
  dMlpOut: Float32Array;
}

export interface Block {
  readonly layer: number;
  forward(x: Float32Array, batch: Batch, deltas: readonly DeltaHook[]): BlockOutput;
  /** grads: accumulate parameter gradients by name when given (full backward); null skips them. */
  backward(dout: Float32Array, fwd: BlockOutput, batch: Batch, grads: ParamLookup | null): BlockGradients;
  /**
   * Inference only (KV cache): the block output (N, C) for the new tokens' residual stream x
   * (N = B·T new tokens, positions in `tokens`), attending to the cached keys and storing its own.
   * Keeps no activations and may overwrite x.
   */
  forwardIncremental(x: Float32Array, tokens: Batch, cache: KVCache): Float32Array;
}

/** Adds each hook of `site` to row (row·T + position) of x (N, C). */
export function addDeltas(
  x: Float32Array,
  deltas: readonly DeltaHook[],
  site: DeltaSite,
  T: number,
  C: number,
): void {
  for (const d of deltas) {
    if (d.site !== site) continue;
    const off = (d.row * T + d.position) * C;
    for (let c = 0; c < C; c++) x[off + c] += d.vector[c];
  }
}
