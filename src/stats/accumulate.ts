// Accumulation of Σ k kᵀ over non-pad tokens (ROME/MEMIT layer_stats' SecondMoment, with syrk):
// per batch the model runs only up to the highest requested layer, the non-pad rows of each
// layer's key (n, d_ff) are gathered, and Kᵀ K is added into a float64 sum — through a float32
// ssyrk scratch for dtype "float32" (the reference's precision, twice the speed), straight
// into the sum by dsyrk for "float64".
import type { CausalLM } from "../models/causal-lm.js";
import { gram, wrap } from "../tensor/index.js";
import type { StatsBatch } from "./batches.js";
import type { StatsDtype } from "./types.js";

/** Running Σ k kᵀ and token count of one layer. */
export interface MomentAccumulator {
  layer: number;
  dim: number;
  dtype: StatsDtype;
  /** (dim, dim), both triangles */
  sum: Float64Array;
  count: number;
}

export function newAccumulator(layer: number, dim: number, dtype: StatsDtype): MomentAccumulator {
  return { layer, dim, dtype, sum: new Float64Array(dim * dim), count: 0 };
}

/** Scratch buffers reused across batches and layers. */
export class MomentScratch {
  private rows32 = new Float32Array(0);
  private rows64 = new Float64Array(0);
  private product: Float32Array | null = null;

  rows32For(length: number): Float32Array {
    if (this.rows32.length < length) this.rows32 = new Float32Array(length);
    return this.rows32;
  }

  rows64For(length: number): Float64Array {
    if (this.rows64.length < length) this.rows64 = new Float64Array(length);
    return this.rows64;
  }

  productFor(dim: number): Float32Array {
    if (this.product === null || this.product.length !== dim * dim)
      this.product = new Float32Array(dim * dim);
    return this.product;
  }
}

/**
 * Runs `batch` through the model up to the highest layer of `targets` and adds each layer's
 * Σ k kᵀ over the batch's non-pad tokens. Throws naming the layer and sample on a NaN or ±Inf key.
 */
export function accumulateBatch(
  model: CausalLM,
  batch: StatsBatch,
  targets: readonly MomentAccumulator[],
  scratch = new MomentScratch(),
  observe?: KeyObserver,
): void {
  if (targets.length === 0) return;
  const layers = targets.map((t) => t.layer);
  const trace = model.forward(batch.batch, {
    endLayer: Math.max(...layers) + 1,
    logits: "none",
    captureLayers: layers,
  });
  for (const target of targets) {
    const key = trace.layers[target.layer]?.key;
    if (!key) throw new Error(`layer ${target.layer}: the forward pass did not capture its key`);
    addKeys(target, key, batch, scratch, observe);
  }
}

/** Sees each layer's non-pad keys (n rows of dim) of each batch (stability.ts collects probes). */
export type KeyObserver = (layer: number, keys: Float32Array, n: number, dim: number) => void;

/** Adds Σ k kᵀ over the non-pad rows of `key` (B·T, dim) into `target`. */
export function addKeys(
  target: MomentAccumulator,
  key: Float32Array,
  batch: StatsBatch,
  scratch: MomentScratch,
  observe?: KeyObserver,
) {
  const { dim } = target;
  const { B, T, mask } = batch.batch;
  if (key.length !== B * T * dim)
    throw new Error(`layer ${target.layer}: key has ${key.length} values, expected ${B}·${T}·${dim}`);
  const unpadded = batch.tokens === B * T;
  const rows = unpadded ? key : scratch.rows32For(batch.tokens * dim); // (n, dim) non-pad keys
  const n = unpadded ? B * T : gatherRows(rows, key, mask, dim);
  if (n === 0) return;
  checkFinite(rows, n, dim, target.layer, batch);
  observe?.(target.layer, rows, n, dim);
  const sum = wrap(target.sum, [dim, dim]);
  if (target.dtype === "float64") {
    const wide = scratch.rows64For(n * dim).subarray(0, n * dim); // (n, dim) keys in float64
    for (let i = 0; i < n * dim; i++) wide[i] = rows[i];
    gram(wrap(wide, [n, dim]), { trans: true, out: sum, beta: 1 }); // sum += KᵀK
  } else {
    const product = scratch.productFor(dim); // (dim, dim) KᵀK of this batch, float32
    gram(wrap(rows.subarray(0, n * dim), [n, dim]), { trans: true, out: wrap(product, [dim, dim]) });
    const total = target.sum;
    for (let i = 0; i < product.length; i++) total[i] += product[i];
  }
  target.count += n;
}

/** Copies the rows whose mask is 1 to the front of `out`; returns how many. */
function gatherRows(out: Float32Array, key: Float32Array, mask: Uint8Array, dim: number): number {
  let n = 0;
  for (let row = 0; row < mask.length; row++) {
    if (!mask[row]) continue;
    out.set(key.subarray(row * dim, row * dim + dim), n * dim);
    n++;
  }
  return n;
}

/** Throws naming the layer, the sample (file:line) and the token of the first non-finite key value. */
function checkFinite(rows: Float32Array, n: number, dim: number, layer: number, batch: StatsBatch): void {
  for (let i = 0; i < n * dim; i++) {
    if (Number.isFinite(rows[i])) continue;
    const { row, position } = tokenOfGatheredRow(batch, Math.floor(i / dim));
    const sample = batch.rows[row];
    throw new Error(
      `layer ${layer}: key of sample ${sample.index} (${sample.file}:${sample.line}), token ${position}, ` +
        `has ${rows[i]} at index ${i % dim}`,
    );
  }
}

function tokenOfGatheredRow(batch: StatsBatch, gathered: number): { row: number; position: number } {
  const { T, mask } = batch.batch;
  let seen = 0;
  for (let n = 0; n < mask.length; n++) {
    if (!mask[n]) continue;
    if (seen === gathered) return { row: Math.floor(n / T), position: n % T };
    seen++;
  }
  throw new Error(`gathered row ${gathered} is outside the batch`);
}

/** Plain entry point: Σ k kᵀ and counts of `layers` over `batches`, from zero. */
export function accumulateSecondMoments(
  model: CausalLM,
  batches: Iterable<StatsBatch>,
  layers: readonly number[],
  dtype: StatsDtype = "float32",
): Map<number, MomentAccumulator> {
  const dim = model.config.intermediateSize;
  const targets = layers.map((layer) => newAccumulator(layer, dim, dtype));
  const scratch = new MomentScratch();
  for (const batch of batches) accumulateBatch(model, batch, targets, scratch);
  return new Map(targets.map((t) => [t.layer, t]));
}
