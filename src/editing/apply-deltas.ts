// The one shared applier (STYLE.md §2; kmeng01/memit apply_memit_to_model): adds each ΔW to its
// weight in place and keeps a copy of every weight it touches the first time, so `restore` gives
// back the original weights bit for bit however many batches were applied since.
import type { CausalLM } from "../models/causal-lm.js";

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
  private readonly originals = new Map<string, Float32Array>();

  constructor(private readonly model: CausalLM) {}

  /** Copies `name` unless an earlier call already holds its original. */
  keep(name: string): void {
    if (!this.originals.has(name)) this.originals.set(name, this.model.param(name).slice());
  }

  /** The original values of `name`, kept by an earlier `keep`. */
  original(name: string): Float32Array {
    const values = this.originals.get(name);
    if (!values) throw new Error(`no original values of ${name} were kept`);
    return values;
  }

  /** Names of the weights changed since the snapshot began. */
  get touched(): string[] {
    return [...this.originals.keys()];
  }

  /** Puts every kept weight back exactly and forgets them. */
  restore(): void {
    for (const [name, original] of this.originals) this.model.param(name).set(original);
    this.originals.clear();
  }
}

/** W += ΔW for each update (float32, as the reference adds upd_matrix.float()). */
export function applyDeltas(
  model: CausalLM,
  updates: readonly WeightUpdate[],
  snapshot?: WeightSnapshot,
): void {
  for (const u of updates) {
    const w = model.param(u.weight);
    checkUpdate(u, w);
    snapshot?.keep(u.weight);
    for (let i = 0; i < w.length; i++) w[i] += u.delta[i];
  }
}

/** Throws unless `u` fits weight `w` and holds finite values only. */
export function checkUpdate(u: WeightUpdate, w: Float32Array): void {
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
