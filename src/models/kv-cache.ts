// Key/value cache for incremental decoding (Hugging Face's `past_key_values`): for B batch rows,
// per layer, the post-RoPE keys and the values of every position so far, plus the key mask
// (padding) and each row's count of real tokens, which is its next position id.
// Rows advance in lockstep: each step appends the same number of slots to every row, padding
// marked 0 in the mask, so a left-padded batch keeps its layout. Per layer the buffers are
// (B, capacity, NKV·HS); the capacity doubles when full, so appending n positions copies O(n)
// floats in all. Memory: B · L · capacity · 2 · NKV·HS floats.
import type { CachedKeys } from "./layers/attention.js";

export interface KVCacheDims {
  /** batch rows */
  B: number;
  numLayers: number;
  /** floats per position of one layer's keys (and of its values): NKV · HS */
  kvWidth: number;
}

export class KVCache {
  readonly B: number;
  readonly numLayers: number;
  readonly kvWidth: number;
  private slots: number;
  private used = 0;
  private keys: Float32Array[];
  private values: Float32Array[];
  /** (B, slots): 1 for a real token, 0 for padding */
  private keyMask: Uint8Array;
  /** (B): real tokens seen so far per row */
  private readonly realTokens: Int32Array;
  /** per layer: positions whose keys/values are stored (equals `used` once a step has run every layer) */
  private readonly stored: Int32Array;

  constructor(dims: KVCacheDims, capacity = 64) {
    const { B, numLayers, kvWidth } = dims;
    for (const [name, value] of Object.entries(dims))
      if (!Number.isInteger(value) || value < 1)
        throw new Error(`KVCache: ${name} must be a positive integer, got ${value}`);
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error(`KVCache: capacity must be a positive integer, got ${capacity}`);
    this.B = B;
    this.numLayers = numLayers;
    this.kvWidth = kvWidth;
    this.slots = capacity;
    const size = B * capacity * kvWidth;
    this.keys = Array.from({ length: numLayers }, () => new Float32Array(size));
    this.values = Array.from({ length: numLayers }, () => new Float32Array(size));
    this.keyMask = new Uint8Array(B * capacity);
    this.realTokens = new Int32Array(B);
    this.stored = new Int32Array(numLayers);
  }

  /** Positions per row held so far, padding included (Tk of the next attention minus its new tokens). */
  get length(): number {
    return this.used;
  }

  /** Positions per row that fit before the buffers grow. */
  get capacity(): number {
    return this.slots;
  }

  /** Floats held by the key and value buffers of every layer. */
  get floats(): number {
    return 2 * this.numLayers * this.B * this.slots * this.kvWidth;
  }

  /** Real tokens of row b so far: the position id its next real token gets. */
  realTokenCount(b: number): number {
    return this.realTokens[b];
  }

  /**
   * Position ids (B·T) of T new tokens per row with mask (B·T), continuing each row's count as
   * Hugging Face does for a whole sequence: cumsum(mask) − 1, clamped at 0. Leaves the cache as is.
   */
  positionsFor(mask: Uint8Array, T: number): Int32Array {
    this.checkMask(mask, T);
    const positions = new Int32Array(this.B * T);
    for (let b = 0; b < this.B; b++) {
      let seen = this.realTokens[b];
      for (let t = 0; t < T; t++) {
        seen += mask[b * T + t];
        positions[b * T + t] = Math.max(seen - 1, 0);
      }
    }
    return positions;
  }

  /**
   * Appends T slots to every row with the new tokens' mask (B·T) and returns the first slot's
   * index. Each layer must then `store` its keys and values before it attends.
   */
  extend(mask: Uint8Array, T: number): number {
    this.checkMask(mask, T);
    for (let l = 0; l < this.numLayers; l++)
      if (this.stored[l] !== this.used)
        throw new Error(`KVCache: layer ${l} did not store the previous step's keys and values`);
    const start = this.used;
    this.reserve(start + T);
    for (let b = 0; b < this.B; b++) {
      for (let t = 0; t < T; t++) {
        this.keyMask[b * this.slots + start + t] = mask[b * T + t];
        this.realTokens[b] += mask[b * T + t];
      }
    }
    this.used = start + T;
    return start;
  }

  /**
   * Stores layer l's keys k and values v of the newest step (B·T rows, ldk and ldv floats apart)
   * into that step's slots.
   */
  store(layer: number, k: Float32Array, ldk: number, v: Float32Array, ldv: number, T: number): void {
    this.checkLayer(layer);
    const start = this.used - T;
    if (start < 0 || this.stored[layer] !== start)
      throw new Error(`KVCache: layer ${layer} stores ${T} positions, but the last extend added ${this.used - this.stored[layer]}`);
    const W = this.kvWidth;
    const keys = this.keys[layer];
    const values = this.values[layer];
    for (let b = 0; b < this.B; b++) {
      for (let t = 0; t < T; t++) {
        const n = b * T + t;
        const slot = (b * this.slots + start + t) * W;
        keys.set(k.subarray(n * ldk, n * ldk + W), slot);
        values.set(v.subarray(n * ldv, n * ldv + W), slot);
      }
    }
    this.stored[layer] = this.used;
  }

  /** Layer l's keys, values and key mask, for attentionIncremental over the first `length` slots. */
  layer(layer: number): CachedKeys {
    this.checkLayer(layer);
    if (this.stored[layer] !== this.used)
      throw new Error(`KVCache: layer ${layer} has not stored the newest step's keys and values`);
    return { keys: this.keys[layer], values: this.values[layer], mask: this.keyMask, kvRows: this.slots };
  }

  /** Grows every buffer to hold `needed` positions per row: at least double, rows copied once. */
  private reserve(needed: number): void {
    if (needed <= this.slots) return;
    const old = this.slots;
    const slots = Math.max(needed, 2 * old);
    const W = this.kvWidth;
    const regrow = (buffer: Float32Array) => {
      const grown = new Float32Array(this.B * slots * W);
      for (let b = 0; b < this.B; b++)
        grown.set(buffer.subarray(b * old * W, (b * old + this.used) * W), b * slots * W);
      return grown;
    };
    this.keys = this.keys.map(regrow);
    this.values = this.values.map(regrow);
    const mask = new Uint8Array(this.B * slots);
    for (let b = 0; b < this.B; b++)
      mask.set(this.keyMask.subarray(b * old, b * old + this.used), b * slots);
    this.keyMask = mask;
    this.slots = slots;
  }

  private checkMask(mask: Uint8Array, T: number): void {
    if (!Number.isInteger(T) || T < 1) throw new Error(`KVCache: need at least one new token per row, got ${T}`);
    if (mask.length !== this.B * T)
      throw new Error(`KVCache: mask has ${mask.length} entries, expected B·T = ${this.B}·${T}`);
    const bad = mask.findIndex((m) => m > 1);
    if (bad >= 0) throw new Error(`KVCache: mask entry ${bad} is ${mask[bad]}, expected 0 or 1`);
  }

  private checkLayer(layer: number): void {
    if (!Number.isInteger(layer) || layer < 0 || layer >= this.numLayers)
      throw new Error(`KVCache: layer ${layer} is outside the cache's ${this.numLayers} layers`);
  }
}
