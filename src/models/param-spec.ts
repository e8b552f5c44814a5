// Parameter specifications: for each tensor an architecture needs, its canonical Hugging Face
// name, its shape in locedit's layout ([out, in] for every linear layer), and whether the
// checkpoint stores it transposed (GPT-2's Conv1D keeps [in, out]).

export interface ParamSpec {
  /** canonical Hugging Face tensor name (as in the official checkpoint) */
  name: string;
  /** shape in locedit's layout */
  shape: number[];
  /** stored [in, out] in the checkpoint (GPT-2 Conv1D): transposed on load and on save */
  conv1d?: boolean;
  /** shares its data with another parameter (a tied LM head): not loaded, not saved */
  tiedTo?: string;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Transpose of a rows×cols row-major matrix. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[base + c];
  }
  return out;
}

/**
 * One record per architecture (in its weights.ts) naming its parameters: the prefix of a layer's
 * tensors, the embeddings, final norm and LM head, and the modules of the edit surface
 * (ARCHITECTURE.md §2) relative to the layer prefix. Specs, blocks and editSurface all read it.
 */
export interface ArchitectureNames {
  /** prefix of layer `layer`'s tensors, e.g. "h.3." (GPT-2) */
  layerPrefix(layer: number): string;
  embedding: { tokens: string; positions: string | null };
  finalNorm: { weight: string; bias: string | null };
  lmHead: { weight: string; bias: string | null };
  /** edit-surface modules, relative to the layer prefix (each has `.weight`, maybe `.bias`) */
  editSurface: {
    /** the MLP output projection W_out, whose input is the key k: [d_model, d_ff] */
    mlpOut: string;
    /** the attention output projection (PMET): [d_model, d_model] */
    attnOut: string;
  };
}
