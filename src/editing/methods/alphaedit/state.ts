// What AlphaEdit carries from batch to batch (Fang et al., arXiv 2410.02355, §3.3 sequential
// editing; jianghoucheng/AlphaEdit AlphaEdit_main.py): the null-space projector P of each edited
// layer (from C0, computed once) and cache_c, the Σ K Kᵀ of the keys of every earlier batch, read
// on the model after that batch's edit. The caller (e.g. the Editor) holds one of these for as long
// as it edits the same model, and passes its `projector` and `cachedKeyGram` in the MethodContext.
import { nullSpaceProjector } from "../../../linalg/index.js";
import type { DeltaResult } from "../types.js";

export class AlphaEditState {
  private readonly projectors = new Map<number, Float64Array>();
  private readonly keyGrams = new Map<number, Float64Array>();

  /**
   * @param covariance C0 of a layer (d_ff², float64)
   * @param threshold eigenvalues of C0 below it span the preserved null space (nullspace_threshold)
   */
  constructor(
    private readonly covariance: (layer: number) => Float64Array,
    private readonly threshold: number,
  ) {}

  /** P = U₀U₀ᵀ of `layer` (d_ff², float64), computed on first use. */
  projector(layer: number): Float64Array {
    let p = this.projectors.get(layer);
    if (!p) {
      const c = this.covariance(layer);
      const F = Math.round(Math.sqrt(c.length));
      p = nullSpaceProjector({ data: c, shape: [F, F] }, this.threshold).data;
      this.projectors.set(layer, p);
    }
    return p;
  }

  /** cache_c of `layer`: Σ K Kᵀ of the earlier batches (zeros before the first). */
  cachedKeyGram(layer: number): Float64Array {
    let g = this.keyGrams.get(layer);
    if (!g) {
      g = new Float64Array(this.covariance(layer).length);
      this.keyGrams.set(layer, g);
    }
    return g;
  }

  /** cache_c += this batch's K Kᵀ (DeltaResult.keyGramUpdates), once its deltas are applied. */
  absorb(result: DeltaResult): void {
    for (const [layer, gram] of result.keyGramUpdates ?? []) {
      const acc = this.cachedKeyGram(layer);
      for (let i = 0; i < acc.length; i++) acc[i] += gram[i];
    }
  }

  /** The projectors computed so far and cache_c, by layer (for saving a sequence's state). */
  projectorEntries(): [number, Float64Array][] {
    return [...this.projectors].sort(([x], [y]) => x - y);
  }

  keyGramEntries(): [number, Float64Array][] {
    return [...this.keyGrams].sort(([x], [y]) => x - y);
  }

  /** Puts back a saved projector (it depends on C0 only: the same values it would compute). */
  restoreProjector(layer: number, projector: Float64Array): void {
    this.projectors.set(layer, projector.slice());
  }

  /** Puts back a saved cache_c of `layer`. */
  restoreKeyGram(layer: number, gram: Float64Array): void {
    this.keyGrams.set(layer, gram.slice());
  }

  /** Forgets cache_c (the model's weights went back to the originals); P depends on C0 only and stays. */
  reset(): void {
    this.keyGrams.clear();
  }
}
