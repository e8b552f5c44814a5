// Padding token sequences into a Batch. Right padding suits teacher-forced scoring (positions
// line up from 0); left padding suits generation (every row's last token is at T − 1).
// Position ids follow Hugging Face's generate: cumsum(mask) − 1, clamped at 0.
import type { Batch } from "../models/types.js";

export type PadSide = "left" | "right";

export interface BatchOptions {
  padId?: number;
  padSide?: PadSide;
}

export function makeBatch(sequences: readonly (readonly number[])[], options: BatchOptions = {}): Batch {
  const padId = options.padId ?? 0;
  const left = (options.padSide ?? "right") === "left";
  const B = sequences.length;
  if (B === 0) throw new Error("makeBatch: no sequences");
  const T = Math.max(...sequences.map((s) => s.length));
  if (T === 0) throw new Error("makeBatch: every sequence is empty");
  const ids = new Int32Array(B * T).fill(padId);
  const mask = new Uint8Array(B * T);
  const positions = new Int32Array(B * T);
  sequences.forEach((seq, b) => {
    const start = left ? T - seq.length : 0;
    seq.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0)
        throw new Error(`makeBatch: sequence ${b} has an invalid token id ${id}`);
      ids[b * T + start + i] = id;
      mask[b * T + start + i] = 1;
    });
    let seen = 0;
    for (let t = 0; t < T; t++) {
      seen += mask[b * T + t];
      positions[b * T + t] = Math.max(seen - 1, 0);
    }
  });
  return { B, T, ids, mask, positions };
}

/** Index of the last real token of each row. */
export function lastTokenPositions(batch: Batch): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch.B; b++) {
    let last = -1;
    for (let t = 0; t < batch.T; t++) if (batch.mask[b * batch.T + t]) last = t;
    out.push(last);
  }
  return out;
}
