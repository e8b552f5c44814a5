// The cached prefix of compute_z (ARCHITECTURE.md §6; Meng et al., arXiv 2210.07229, Eq. 16):
// positions before the subject's last token do not depend on δ, so their keys and values at every
// layer above the edited one are computed once (a forward with keepKeys) and each optimisation step
// runs only the positions from the subject's last token on, attending to them. Per layer, the
// post-RoPE keys and values of B rows' first positions, right-padded to P slots with a mask.
import type { PrefixKeys } from "./layers/attention.js";
import type { Batch, LayerAttention } from "./types.js";

export class PrefixCache {
  constructor(
    /** batch rows */
    readonly B: number,
    /** per layer, that layer's prefix keys and values (undefined for layers not cached) */
    private readonly layers: readonly (PrefixKeys | undefined)[],
  ) {}

  /** Layer l's keys and values; throws when the forward that built the cache did not run l. */
  layer(l: number): PrefixKeys {
    const keys = this.layers[l];
    if (!keys) throw new Error(`prefix cache: layer ${l} was not cached (the prefix forward did not run it)`);
    return keys;
  }

  /** The cache of the chosen rows, in that order, cut to the longest of their prefixes. */
  rows(rowIds: readonly number[]): PrefixCache {
    const layers = this.layers.map((keys) => {
      if (!keys) return undefined;
      const { P } = keys;
      const KV = keys.keys.length / (this.B * P);
      let used = 1; // at least one slot: a row may have an empty prefix
      for (const id of rowIds) for (let t = used; t < P; t++) if (keys.mask[id * P + t]) used = t + 1;
      const out: PrefixKeys = {
        P: used,
        keys: new Float32Array(rowIds.length * used * KV),
        values: new Float32Array(rowIds.length * used * KV),
        mask: new Uint8Array(rowIds.length * used),
      };
      rowIds.forEach((id, row) => {
        out.keys.set(keys.keys.subarray(id * P * KV, (id * P + used) * KV), row * used * KV);
        out.values.set(keys.values.subarray(id * P * KV, (id * P + used) * KV), row * used * KV);
        out.mask.set(keys.mask.subarray(id * P, id * P + used), row * used);
      });
      return out;
    });
    return new PrefixCache(rowIds.length, layers);
  }
}

/**
 * The batch as layer l's blocks see it: with the cached prefix they attend to, and/or a receiver
 * of their own keys and values; the batch itself when neither is asked for.
 */
export function batchAtLayer(
  batch: Batch,
  l: number,
  prefix: PrefixCache | null,
  keep: ((l: number, keys: PrefixKeys) => void) | null,
): Batch {
  if (!prefix && !keep) return batch;
  if (prefix && prefix.B !== batch.B)
    throw new Error(`prefix cache holds ${prefix.B} rows, the batch has ${batch.B}`);
  const attention: LayerAttention = {};
  if (prefix) attention.prefix = prefix.layer(l);
  if (keep) attention.keep = (keys) => keep(l, keys);
  return { ...batch, attention };
}
