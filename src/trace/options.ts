// Options shared by the causal tracing entry points (./causal-trace.ts, ./average.ts), their
// defaults (the reference's: 10 corrupted samples, ν = 3σ, noise seed 1) and their checks.
import type { CausalLM } from "../models/causal-lm.js";
import { TRACE_KINDS, type TraceKind } from "./fact-run.js";
import { NOISE_FACTOR } from "./noise.js";

export interface TraceOptions {
  /** corrupted runs per restoration (default 10) */
  samples?: number;
  /** ν, the noise's standard deviation; default `noiseFactor` × σ of the subjects' token embeddings */
  noise?: number;
  /** ν as a multiple of σ when `noise` is not given (default 3) */
  noiseFactor?: number;
  /** seed of the noise (default 1, as the reference's RandomState(1)) */
  seed?: number;
  /** layers restored together for the mlp and attn kinds, centred on each layer (default defaultWindow) */
  window?: number;
  /** what is restored (default all three) */
  kinds?: readonly TraceKind[];
  onProgress?: (progress: { stage: string; done: number; total: number }) => void;
}

export interface ResolvedTraceOptions {
  samples: number;
  noiseFactor: number;
  noise: number | null;
  seed: number;
  window: number;
  kinds: TraceKind[];
}

/**
 * The reference restores 10 MLP / attention layers of GPT2-XL (48 layers) and GPT-J (28); a window
 * of about a fifth of the depth, at most 10, keeps that share on smaller models (12 layers: 2).
 */
export function defaultWindow(numLayers: number): number {
  return Math.min(10, Math.max(1, Math.round(numLayers / 5)));
}

/** The layers restored for a window of `window` centred on `center`: [center − ⌊w/2⌋, center + ⌈w/2⌉) ∩ model. */
export function windowLayers(center: number, window: number, numLayers: number): number[] {
  const from = Math.max(0, center - Math.floor(window / 2));
  const to = Math.min(numLayers, center + Math.ceil(window / 2));
  return Array.from({ length: to - from }, (_, i) => from + i);
}

export function resolveTraceOptions(model: CausalLM, options: TraceOptions): ResolvedTraceOptions {
  const L = model.numLayers;
  const samples = options.samples ?? 10;
  if (!(Number.isInteger(samples) && samples >= 1))
    throw new Error(`samples must be an integer ≥ 1, got ${samples}`);
  const window = options.window ?? defaultWindow(L);
  if (!(Number.isInteger(window) && window >= 1))
    throw new Error(`window must be an integer ≥ 1, got ${window}`);
  if (window > L) throw new Error(`window ${window} is larger than the model, which has ${L} layers`);
  if (options.noise !== undefined && !(Number.isFinite(options.noise) && options.noise >= 0))
    throw new Error(`noise must be a number ≥ 0, got ${options.noise}`);
  const noiseFactor = options.noiseFactor ?? NOISE_FACTOR;
  if (!(Number.isFinite(noiseFactor) && noiseFactor >= 0))
    throw new Error(`noise factor must be a number ≥ 0, got ${noiseFactor}`);
  const seed = options.seed ?? 1;
  if (!Number.isInteger(seed)) throw new Error(`seed must be an integer, got ${seed}`);
  const kinds = [...(options.kinds ?? TRACE_KINDS)];
  if (kinds.length === 0) throw new Error("no kind to trace: give block, mlp and/or attn");
  for (const kind of kinds)
    if (!TRACE_KINDS.includes(kind))
      throw new Error(`unknown kind '${kind}': expected one of ${TRACE_KINDS.join(", ")}`);
  return { samples, noiseFactor, noise: options.noise ?? null, seed, window, kinds };
}
