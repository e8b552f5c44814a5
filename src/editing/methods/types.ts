// What every editing method returns: weight deltas (never applied when it returns: methods are
// pure computations, STYLE.md §2), the compute_z record of each layer it optimised at, timings,
// and state to carry into the next batch (AlphaEdit's accumulated K Kᵀ).
import type { CausalLM } from "../../models/causal-lm.js";
import type { WeightUpdate } from "../apply-deltas.js";
import type { EditHparams, EditMethod } from "../hparams/types.js";
import type { PreparedRequest } from "../prepare/prepared-request.js";

export type { WeightUpdate };

/** One compute_z run: where, and the per-request losses before and after. */
export interface ZLog {
  layer: number;
  lossBefore: number[];
  lossAfter: number[];
  nllBefore: number[];
  nllAfter: number[];
  steps: number[];
  /** per request, the target z = h + δ at the residual site (PMET: the MLP output) */
  z: Float32Array[];
  /** per request, h before editing at that site */
  hInit: Float32Array[];
}

export interface MethodTimings {
  z: number;
  keys: number;
  solve: number;
}

export interface DeltaResult {
  method: EditMethod;
  blue: boolean;
  updates: WeightUpdate[];
  z: ZLog[];
  timings: MethodTimings;
  /** AlphaEdit: layer → K Kᵀ (d_ff²) of this batch's keys on the edited model, to add to cache_c */
  keyGramUpdates?: Map<number, Float64Array>;
}

/** What spans batches and comes from outside the method: statistics and AlphaEdit's state. */
export interface MethodContext {
  model: CausalLM;
  hparams: EditHparams;
  /** C0 = E[k kᵀ] of `layer` (d_ff², float64, symmetric) */
  covariance(layer: number): Float64Array;
  /**
   * C0 of `layer` in a new buffer the caller may overwrite (MEMIT's solve builds λ·C0 + K Kᵀ in it):
   * where C0 is too large to keep between solves it is read for the caller alone, so no second
   * d_ff² matrix is held; absent, the solve copies. `into` (d_ff² values, from an earlier call)
   * receives C0 instead of a new buffer.
   */
  covarianceToOverwrite?(layer: number, into?: Float64Array): Float64Array;
  /** AlphaEdit: null-space projector P of `layer` (d_ff², float64) */
  projector?(layer: number): Float64Array;
  /** AlphaEdit: Σ K Kᵀ of earlier batches at `layer` (d_ff², float64) */
  cachedKeyGram?(layer: number): Float64Array;
  onProgress?: (event: {
    stage: string;
    layer?: number;
    step?: number;
    total?: number;
    detail?: string;
  }) => void;
}

export type ComputeDeltas = (context: MethodContext, requests: readonly PreparedRequest[]) => DeltaResult;
