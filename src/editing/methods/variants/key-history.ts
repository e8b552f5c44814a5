// The key history of sequential editing (xpq-tech/BLUE memit/memit_seq_main.py and
// pmet/pmet_seq_main.py, their `cache_c`): per edited layer, Σ_p K_p K_pᵀ over every earlier batch p,
// each batch's keys read on the model after its own edit. MEMIT-seq and PMET-seq add it to the
// solve's matrix (./seq.ts). The caller (the Editor) holds one for as long as it edits one model.

export class KeyHistory {
  private readonly grams = new Map<number, Float64Array>();

  /** Σ_p K_p K_pᵀ at `layer` (dim², float64, both triangles); zeros before the first batch. */
  gram(layer: number, dim: number): Float64Array {
    let g = this.grams.get(layer);
    if (!g) {
      g = new Float64Array(dim * dim);
      this.grams.set(layer, g);
    }
    if (g.length !== dim * dim)
      throw new Error(`key history of layer ${layer} holds ${g.length} values, expected ${dim}²`);
    return g;
  }

  /** Adds one batch's K Kᵀ per layer (DeltaResult.keyGramUpdates), once its deltas are applied. */
  add(batchGrams: ReadonlyMap<number, Float64Array> | undefined): void {
    for (const [layer, batch] of batchGrams ?? []) {
      const g = this.gram(layer, Math.round(Math.sqrt(batch.length)));
      for (let i = 0; i < g.length; i++) g[i] += batch[i];
    }
  }

  /** The layers with a history and their Grams (for saving a run's state). */
  entries(): [number, Float64Array][] {
    return [...this.grams].sort(([a], [b]) => a - b);
  }

  /** Replaces the history of `layer` (restoring a saved run). */
  set(layer: number, gram: Float64Array): void {
    this.grams.set(layer, gram.slice());
  }

  clear(): void {
    this.grams.clear();
  }
}
