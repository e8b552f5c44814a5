// compute_z's rows split at the subject's last token (the prefix cache of ARCHITECTURE.md §6):
// δ is added at each row's lookup token, so under causal attention every position before it is
// the same at every Adam step (Meng et al., arXiv 2210.07229, Eq. 16 reads δ only from there on).
// The prefix (positions < lookup) runs once through the layers above the cached residual stream,
// keeping its keys and values; each step runs only the suffix (positions ≥ lookup) of the active
// rows, attending to them. With `split` all 0 this is the uncached objective, row for row.
import type { CausalLM } from "../../models/causal-lm.js";
import type { PrefixCache } from "../../models/prefix-cache.js";
import type { Batch } from "../../models/types.js";
import { rowGroups } from "../../runtime/grouped-forward.js";
import type { ZRows } from "./rows.js";

export class SplitRows {
  /** longest prefix (cached positions per row) */
  readonly P: number;

  constructor(
    readonly rows: ZRows,
    /** per row, the first position that runs at each step (the lookup, or 0 without the cache) */
    readonly split: readonly number[],
  ) {
    this.P = Math.max(0, ...split);
  }

  /** Suffix length of row id. */
  suffixLength(id: number): number {
    return this.rows.sequences[id].length - this.split[id];
  }

  /** The rows in groups for batched passes of at most `slots` slots, grouped by suffix length (runtime/grouped-forward.ts). */
  passes(rowIds: readonly number[], slots: number): number[][] {
    return rowGroups(
      rowIds.map((id) => this.suffixLength(id)),
      slots,
    ).map((group) => group.map((i) => rowIds[i]));
  }

  /** Row id's lookup token as a position of its suffix. */
  lookupInSuffix(id: number): number {
    return this.rows.lookups[id] - this.split[id];
  }

  /**
   * Keys and values of every row's prefix at each layer from `start.layer` up (from the embedding
   * without `start`); `start.hidden` is the residual stream of the full right-padded batch (T wide)
   * entering that layer. Null when no row has a prefix.
   */
  cachePrefix(
    model: CausalLM,
    full: Batch,
    start: { layer: number; hidden: Float32Array } | null,
  ): PrefixCache | null {
    const P = this.P;
    if (P === 0) return null;
    const B = full.B;
    const C = model.config.hiddenSize;
    const batch: Batch = {
      B,
      T: P,
      ids: new Int32Array(B * P),
      mask: new Uint8Array(B * P),
      positions: new Int32Array(B * P),
    };
    const hidden = start ? new Float32Array(B * P * C) : null;
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < P; t++) {
        batch.ids[b * P + t] = full.ids[b * full.T + t];
        batch.mask[b * P + t] = t < this.split[b] ? 1 : 0;
        batch.positions[b * P + t] = t;
      }
      hidden?.set(start!.hidden.subarray(b * full.T * C, (b * full.T + P) * C), b * P * C);
    }
    const from = start ? { start: { layer: start.layer, hidden: hidden! } } : {};
    return model.forward(batch, { ...from, logits: "none", keepKeys: true }).keys;
  }

  /** The suffixes of the chosen rows, right-padded, with their absolute position ids. */
  suffixBatch(rowIds: readonly number[]): Batch {
    const lengths = rowIds.map((id) => this.rows.sequences[id].length - this.split[id]);
    const B = rowIds.length;
    const T = Math.max(...lengths);
    const batch: Batch = {
      B,
      T,
      ids: new Int32Array(B * T),
      mask: new Uint8Array(B * T),
      positions: new Int32Array(B * T),
    };
    rowIds.forEach((id, b) => {
      const seq = this.rows.sequences[id];
      const from = this.split[id];
      for (let t = 0; t < T; t++) {
        const real = t < lengths[b];
        batch.ids[b * T + t] = real ? seq[from + t] : 0;
        batch.mask[b * T + t] = real ? 1 : 0;
        // padding repeats the last real position, as makeBatch's cumsum(mask) − 1 does
        batch.positions[b * T + t] = from + Math.min(t, lengths[b] - 1);
      }
    });
    return batch;
  }

  /** The suffix rows' slice (batch.B × batch.T × C) of the full batch's residual stream (rows × fullT × C). */
  suffixInput(
    full: Float32Array,
    fullT: number,
    C: number,
    rowIds: readonly number[],
    batch: Batch,
  ): Float32Array {
    const out = new Float32Array(batch.B * batch.T * C);
    rowIds.forEach((id, row) => {
      const from = id * fullT + this.split[id];
      const T = Math.min(batch.T, fullT - this.split[id]);
      out.set(full.subarray(from * C, (from + T) * C), row * batch.T * C);
    });
    return out;
  }
}
