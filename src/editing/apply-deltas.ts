// The one shared applier (STYLE.md §2; kmeng01/memit apply_memit_to_model): adds each ΔW to its
// weight in place and keeps a copy of every weight it touches the first time, so `restore` gives
// back the original weights bit for bit however many batches were applied since. A weight still
// kept in its stored 16-bit dtype costs no copy: the snapshot holds on to those bits, the edit
// works on a float32 widening (CausalLM.param), and restore puts the 16-bit weight back.
import type { CausalLM } from "../models/causal-lm.js";
import { HalfTensor, type Weight } from "../models/layers/weight.js";

/** ΔW for one weight, in locedit's [out, in] layout. */
export interface WeightUpdate {
  layer: number;
  /** canonical parameter name */
  weight: string;
  rows: number;
  cols: number;
  delta: Float32Array;
}

export class WeightSnapshot {
  private readonly originals = new Map<string, Weight>();

  constructor(private readonly model: CausalLM) {}

  /** Keeps the original of `name` (its 16-bit bits as they are, or a float32 copy) unless already kept. */
  keep(name: string): void {
    if (this.originals.has(name)) return;
    const weight = this.model.weight(name);
    this.originals.set(name, weight instanceof HalfTensor ? weight : weight.slice());
  }

  /** The weight `name` as it was when first kept, or undefined. */
  original(name: string): Weight | undefined {
    return this.originals.get(name);
  }

  /** The original values of `name` in float32 (a 16-bit original widened), kept by an earlier `keep`. */
  originalValues(name: string): Float32Array {
    const kept = this.originals.get(name);
    if (!kept) throw new Error(`no original values of ${name} were kept`);
    return kept instanceof HalfTensor ? kept.toFloat32() : kept;
  }

  /** Names of the weights changed since the snapshot began. */
  get touched(): string[] {
    return [...this.originals.keys()];
  }

  /** Puts every kept weight back exactly and forgets them. */
  restore(): void {
    for (const name of [...this.originals.keys()]) this.restoreOne(name);
  }

  /** Puts the kept weight `name` back exactly and forgets it (no-op when it was not kept). */
  restoreOne(name: string): void {
    const original = this.originals.get(name);
    if (original === undefined) return;
    if (original instanceof HalfTensor) this.model.replaceWeight(name, original);
    else this.model.param(name).set(original);
    this.originals.delete(name);
  }
}

/** W += ΔW for each update (float32, as the reference adds upd_matrix.float()). */
export function applyDeltas(
  model: CausalLM,
  updates: readonly WeightUpdate[],
  snapshot?: WeightSnapshot,
): void {
  for (const u of updates) {
    checkUpdate(u, model.weight(u.weight));
    snapshot?.keep(u.weight); // before param(), which widens a 16-bit weight to float32
    const w = model.param(u.weight);
    for (let i = 0; i < w.length; i++) w[i] += u.delta[i];
  }
}

/** Throws unless `u` fits weight `w` and holds finite values only. */
export function checkUpdate(u: WeightUpdate, w: { readonly length: number }): void {
  if (w.length !== u.delta.length)
    throw new Error(`update of ${u.weight}: ${u.delta.length} values for a weight of ${w.length}`);
  for (let i = 0; i < u.delta.length; i++)
    if (!Number.isFinite(u.delta[i])) throw new Error(`update of ${u.weight} holds ${u.delta[i]} at ${i}`);
}

/** Applies `updates`, runs `fn`, and puts the weights back exactly whatever `fn` does. */
export function withDeltasApplied<T>(
  model: CausalLM,
  fn: (apply: (u: readonly WeightUpdate[]) => void) => T,
): T {
  const snapshot = new WeightSnapshot(model);
  try {
    return fn((updates) => applyDeltas(model, updates, snapshot));
  } finally {
    snapshot.restore();
  }
}
