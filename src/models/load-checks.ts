// Checks loadModel makes while reading a checkpoint (issue 14): every weight is finite — a NaN or
// ±Inf would make every answer garbage — tested on each tensor right after it is read, while its
// values are still in cache (16-bit tensors on their stored bits); and the checkpoint holds no tensor the architecture does not use
// (known buffers aside, which canonicalName maps to null), so a config that describes fewer layers
// than were stored, or another architecture, is an error instead of a silently different model.
import { float16BitsToNumber, type HalfBits } from "../io/dtypes.js";
import type { TensorSource } from "../io/safetensors-read.js";
import type { Architecture } from "./architecture.js";
import type { ModelConfig } from "./config.js";

const LISTED = 8;

/**
 * Throws naming the file, the tensor and the first non-finite element (index in the stored shape).
 * 16-bit tensors are checked on their bits, as stored: all-ones exponent (F16 0x7c00, BF16 0x7f80).
 */
export function requireFinite(
  values: Float32Array | HalfBits,
  tensor: string,
  file: string,
  storedShape: readonly number[],
): void {
  const { first, count } = values instanceof Float32Array ? nonFiniteFloat32(values) : nonFiniteHalf(values);
  if (first < 0) return;
  const value = values instanceof Float32Array ? values[first] : halfValue(values, first);
  throw new Error(
    `${file}: tensor '${tensor}' holds ${value} at [${unravel(first, storedShape).join(", ")}] ` +
      `(${count} non-finite value${count === 1 ? "" : "s"} in all); the checkpoint is damaged or was saved from a diverged model`,
  );
}

function nonFiniteFloat32(values: Float32Array): { first: number; count: number } {
  let first = -1;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v - v === 0) continue; // finite; NaN and ±Inf give NaN
    if (first < 0) first = i;
    count++;
  }
  return { first, count };
}

function nonFiniteHalf({ dtype, bits }: HalfBits): { first: number; count: number } {
  const exponent = dtype === "F16" ? 0x7c00 : 0x7f80;
  let first = -1;
  let count = 0;
  for (let i = 0; i < bits.length; i++) {
    if ((bits[i] & exponent) !== exponent) continue;
    if (first < 0) first = i;
    count++;
  }
  return { first, count };
}

function halfValue({ dtype, bits }: HalfBits, index: number): number {
  if (dtype === "F16") return float16BitsToNumber(bits[index]);
  return new Float32Array(new Uint32Array([bits[index] << 16]).buffer)[0];
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d];
    index = Math.floor(index / shape[d]);
  }
  return out;
}

/** Throws naming the checkpoint tensors the architecture does not use, and a layer-count mismatch. */
export function requireNoUnusedTensors(
  checkpoint: Pick<TensorSource, "names">,
  arch: Architecture,
  config: ModelConfig,
  dir: string,
): void {
  const used = new Set(arch.specs.map((spec) => spec.name)); // tied heads included: a stored copy is fine
  const canonical = checkpoint
    .names()
    .map((name) => ({ name, canonical: arch.canonicalName(name) }))
    .filter((t): t is { name: string; canonical: string } => t.canonical !== null);
  const unused = canonical
    .filter((t) => !used.has(t.canonical))
    .map((t) => t.name)
    .sort();
  if (unused.length === 0) return;
  let stored = config.numLayers;
  while (canonical.some((t) => t.canonical.startsWith(arch.names.layerPrefix(stored)))) stored++;
  const listed = unused.slice(0, LISTED).join(", ") + (unused.length > LISTED ? `, … (${unused.length} in all)` : "");
  const layers =
    stored > config.numLayers
      ? `; the checkpoint has layers 0–${stored - 1} but config.json asks for ${config.numLayers}`
      : "";
  throw new Error(
    `${dir}: the checkpoint holds ${unused.length} tensor${unused.length === 1 ? "" : "s"} the ${config.arch} config ` +
      `(${config.numLayers} layers) does not use: ${listed}${layers}`,
  );
}
