// What the Editor has added to the model since it loaded it (or last restored it), kept as the raw
// sum of the batches' updates, ΣΔW, per edited weight: the model always carries W = W₀ + f(ΣΔW),
// with f the identity, or PRUNE's restraint of large singular values (methods/variants/prune.ts).
// Keeping the sum rather than adding each update to W in place makes a run's state small and exact:
// saving ΣΔW and loading it into a fresh copy of W₀ gives the very same weights, bit for bit.
import type { CausalLM } from "../../models/causal-lm.js";
import { wrap, type Tensor32 } from "../../tensor/index.js";
import { checkUpdate, WeightSnapshot, type WeightUpdate } from "../apply-deltas.js";

/** f in W = W₀ + f(ΣΔW): gets the weight's name, W₀ and the sum, returns what W₀ is added to. */
export type AccumulatedTransform = (name: string, original: Tensor32, sum: Tensor32) => Tensor32;

export interface AccumulatedDelta {
  rows: number;
  cols: number;
  /** ΣΔW (rows × cols, row-major, float32) */
  data: Float32Array;
}

/** The sums of some weights as they were (null: none yet), to put back with `revert`. */
export type EditedWeightsMark = Map<string, Float32Array | null>;

export class EditedWeights {
  private readonly sums = new Map<string, AccumulatedDelta>();

  constructor(
    private readonly model: CausalLM,
    private readonly snapshot: WeightSnapshot,
    private readonly transform?: AccumulatedTransform,
  ) {}

  /** ΣΔW += each update, then W = W₀ + f(ΣΔW) for the weights it touched. */
  add(updates: readonly WeightUpdate[]): void {
    for (const u of updates) checkUpdate(u, this.model.weight(u.weight));
    for (const u of updates) {
      const sum = this.sumOf(u.weight, u.rows, u.cols);
      for (let i = 0; i < sum.data.length; i++) sum.data[i] += u.delta[i];
    }
    for (const name of new Set(updates.map((u) => u.weight))) this.write(name);
  }

  /** The accumulated updates by weight name (the arrays themselves: do not change them). */
  entries(): [string, AccumulatedDelta][] {
    return [...this.sums];
  }

  /** Replaces the sums with saved ones and writes W = W₀ + f(ΣΔW) (restoring a run's state). */
  load(sums: ReadonlyMap<string, AccumulatedDelta>): void {
    for (const [name, saved] of sums) {
      const w = this.model.weight(name);
      if (saved.rows * saved.cols !== w.length || saved.data.length !== w.length)
        throw new Error(`saved update of ${name}: ${saved.data.length} values for a weight of ${w.length}`);
      this.sumOf(name, saved.rows, saved.cols).data.set(saved.data);
      this.write(name);
    }
  }

  /** A copy of the sums of `names` as they are now (for `revert`, to undo one batch exactly). */
  mark(names: readonly string[]): EditedWeightsMark {
    return new Map(names.map((name) => [name, this.sums.get(name)?.data.slice() ?? null]));
  }

  /**
   * Puts the sums of a `mark` back and rewrites those weights: W = W₀ + f(ΣΔW) as before, bit for
   * bit; a weight first edited since the mark gets its original back (16-bit ones as 16-bit).
   */
  revert(mark: EditedWeightsMark): void {
    for (const [name, data] of mark) {
      const sum = this.sums.get(name);
      if (data) {
        sum?.data.set(data);
        this.write(name);
      } else if (sum) {
        this.sums.delete(name);
        this.snapshot.restoreOne(name);
      }
    }
  }

  /** ‖W − W₀‖ (Frobenius) of an edited weight, from the weights as they are now. */
  shiftNorm(name: string): number {
    const w = this.model.param(name);
    const original = this.snapshot.originalValues(name);
    let s = 0;
    for (let i = 0; i < w.length; i++) s += (w[i] - original[i]) ** 2;
    return Math.sqrt(s);
  }

  /** Forgets the sums (after the snapshot put W₀ back). */
  clear(): void {
    this.sums.clear();
  }

  private sumOf(name: string, rows: number, cols: number): AccumulatedDelta {
    let sum = this.sums.get(name);
    if (!sum) {
      this.snapshot.keep(name);
      sum = { rows, cols, data: new Float32Array(rows * cols) };
      this.sums.set(name, sum);
    }
    if (sum.rows !== rows || sum.cols !== cols)
      throw new Error(`update of ${name} is ${rows}×${cols}, earlier ones were ${sum.rows}×${sum.cols}`);
    return sum;
  }

  private write(name: string): void {
    const sum = this.sums.get(name)!;
    const original = this.snapshot.originalValues(name);
    const applied = this.transform
      ? this.transform(name, wrap(original, [sum.rows, sum.cols]), wrap(sum.data, [sum.rows, sum.cols])).data
      : sum.data;
    const w = this.model.param(name);
    for (let i = 0; i < w.length; i++) w[i] = original[i] + applied[i];
  }
}
