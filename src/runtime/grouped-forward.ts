// A forward of a right-padded batch in groups of rows of similar length, so that short rows are not
// padded to the longest (the work of every layer is proportional to rows × width). The results are
// laid out as the whole batch's (B × T × C), zero at padding: the residual stream leaving the last
// layer run and, optionally, the block output of one layer. Under causal attention each row's real
// positions do not depend on the other rows or on padding, so this equals one forward of the batch.
import type { CausalLM } from "../models/causal-lm.js";
import type { Batch } from "../models/types.js";

/** Most slots (rows × width) in one group of forwardInGroups. */
const GROUP_SLOTS = 8192;
/** A group holding fewer slots takes a much shorter row rather than start a tiny group (GEMMs of a few rows are slow). */
const MIN_GROUP_SLOTS = 128;

export interface GroupedForward {
  /** residual stream after layer endLayer − 1 (B × T × C) */
  hidden: Float32Array;
  /** block output of the captured layer (B × T × C), or null */
  captured: Float32Array | null;
}

/**
 * Indices of rows of the given lengths in groups, longest first: a group closes when the next row
 * would take it past `slots` (rows × its longest), or when it holds MIN_GROUP_SLOTS already and the
 * row is shorter than 7/8 of its longest (padding stays under 1/8).
 */
export function rowGroups(lengths: readonly number[], slots = GROUP_SLOTS): number[][] {
  const order = lengths.map((_, b) => b).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const out: number[][] = [];
  let width = 0;
  for (const b of order) {
    const group = out[out.length - 1];
    const held = group ? group.length * width : 0;
    if (
      !group ||
      (group.length + 1) * width > slots ||
      (held >= MIN_GROUP_SLOTS && 8 * lengths[b] < 7 * width)
    ) {
      out.push([b]);
      width = lengths[b];
    } else group.push(b);
  }
  return out;
}

export function forwardInGroups(
  model: CausalLM,
  batch: Batch,
  options: { start?: { layer: number; hidden: Float32Array }; endLayer: number; capture?: number },
): GroupedForward {
  const { B, T } = batch;
  const C = model.config.hiddenSize;
  const lengths = Array.from({ length: B }, (_, b) => {
    let n = 0;
    for (let t = 0; t < T; t++) n += batch.mask[b * T + t];
    return n;
  });
  const hidden = new Float32Array(B * T * C);
  const captured = options.capture === undefined ? null : new Float32Array(B * T * C);
  for (const rows of rowGroups(lengths)) {
    const width = Math.max(1, lengths[rows[0]]);
    const part: Batch = {
      B: rows.length,
      T: width,
      ids: new Int32Array(rows.length * width),
      mask: new Uint8Array(rows.length * width),
      positions: new Int32Array(rows.length * width),
    };
    const start = options.start ? new Float32Array(rows.length * width * C) : null;
    rows.forEach((b, i) => {
      part.ids.set(batch.ids.subarray(b * T, b * T + width), i * width);
      part.mask.set(batch.mask.subarray(b * T, b * T + width), i * width);
      part.positions.set(batch.positions.subarray(b * T, b * T + width), i * width);
      start?.set(options.start!.hidden.subarray(b * T * C, (b * T + width) * C), i * width * C);
    });
    const trace = model.forward(part, {
      ...(start ? { start: { layer: options.start!.layer, hidden: start } } : {}),
      endLayer: options.endLayer,
      logits: "none",
      captureLayers: options.capture === undefined ? [] : [options.capture],
    });
    const out = options.capture === undefined ? null : trace.layers[options.capture]!.out;
    rows.forEach((b, i) => {
      hidden.set(trace.hidden.subarray(i * width * C, (i + 1) * width * C), b * T * C);
      captured?.set(out!.subarray(i * width * C, (i + 1) * width * C), b * T * C);
    });
  }
  return { hidden, captured };
}
