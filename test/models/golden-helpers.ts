// Shared helpers for the model golden tests: fixture paths, the golden batch, and a relative
// error measure (max |ours − ref| over max |ref|, over the compared entries).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openSafetensors, type SafetensorsFile } from "../../src/io/safetensors-read.js";
import type { Batch } from "../../src/models/types.js";
import { packageRoot } from "../../src/util/package-root.js";

/** Repository root, from dist/test/models or test/models. */
export const repoRoot = packageRoot();

export function fixtureDir(name: string): string {
  return join(repoRoot, "test", "fixtures", "models", name);
}

export interface GoldenInputs {
  input_ids: number[][];
  attention_mask: number[][];
  position_ids: number[][];
  delta_layer: number;
  delta_positions: number[];
  target_positions: number[][];
  target_ids: number[][];
  delta_loss: Record<"block" | "mlp" | "attn", number>;
  train_loss: number;
}

export function readGolden(name: string): { inputs: GoldenInputs; tensors: SafetensorsFile } {
  const dir = fixtureDir(name);
  const inputs = JSON.parse(readFileSync(join(dir, "golden.json"), "utf8")) as GoldenInputs;
  return { inputs, tensors: openSafetensors(join(dir, "golden.safetensors")) };
}

export function goldenBatch(inputs: GoldenInputs): Batch {
  const B = inputs.input_ids.length;
  const T = inputs.input_ids[0].length;
  return {
    B,
    T,
    ids: Int32Array.from(inputs.input_ids.flat()),
    mask: Uint8Array.from(inputs.attention_mask.flat()),
    positions: Int32Array.from(inputs.position_ids.flat()),
  };
}

/** max |a − b| / max |b| over rows (of width `width`) where keep(row) holds. */
export function relativeError(
  ours: Float32Array,
  ref: Float32Array,
  width: number,
  keep: (row: number) => boolean = () => true,
): number {
  if (ours.length !== ref.length) throw new Error(`length ${ours.length} vs reference ${ref.length}`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    if (!keep(Math.floor(i / width))) continue;
    diff = Math.max(diff, Math.abs(ours[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / Math.max(scale, 1e-30);
}
