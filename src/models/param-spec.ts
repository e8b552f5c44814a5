// Parameter specifications: for each tensor an architecture needs, its canonical Hugging Face
// name, its shape in locedit's layout ([out, in] for every linear layer; a fused q/k/v
// projection's rows as [q heads; k heads; v heads]), and how the checkpoint stores it when that
// differs: transposed (GPT-2's Conv1D keeps [in, out]) or with the fused rows grouped per head
// (GPT-NeoX's query_key_value: [q_0; k_0; v_0; q_1; …]).

export interface ParamSpec {
  /** canonical Hugging Face tensor name (as in the official checkpoint) */
  name: string;
  /** shape in locedit's layout */
  shape: number[];
  /** stored [in, out] in the checkpoint (GPT-2 Conv1D): transposed on load and on save */
  conv1d?: boolean;
  /** shares its data with another parameter (a tied LM head): not loaded, not saved */
  tiedTo?: string;
  /** fused q/k/v rows (weight or bias) stored grouped per head (GPT-NeoX): regrouped on load and save */
  qkvPerHead?: { heads: number };
}

/** The shape as the checkpoint stores it. */
export function storedShape(spec: ParamSpec): number[] {
  return spec.conv1d ? [spec.shape[1], spec.shape[0]] : spec.shape;
}

/** Flat element storage a layout change works on: float32 values or 16-bit float bits. */
export type LayoutData = Float32Array | Uint16Array;

/** Checkpoint layout → locedit's (data as read from the file, in `storedShape(spec)`). */
export function fromStoredLayout<T extends LayoutData>(spec: ParamSpec, data: T): T {
  if (spec.conv1d) return transpose2d(data, spec.shape[1], spec.shape[0]);
  if (spec.qkvPerHead) return regroupQkvRows(data, spec.qkvPerHead.heads, spec.shape[1] ?? 1, false);
  return data;
}

/** locedit's layout → the checkpoint's (a new array unless the layouts agree). */
export function toStoredLayout<T extends LayoutData>(spec: ParamSpec, data: T): T {
  if (spec.conv1d) return transpose2d(data, spec.shape[0], spec.shape[1]);
  if (spec.qkvPerHead) return regroupQkvRows(data, spec.qkvPerHead.heads, spec.shape[1] ?? 1, true);
  return data;
}

/** A new zero-filled array of the same kind as `like`. */
function alike<T extends LayoutData>(like: T, length: number): T {
  return (like instanceof Float32Array ? new Float32Array(length) : new Uint16Array(length)) as T;
}

/**
 * Regroups the 3·H·D rows (of `rowLength` floats) of a fused q/k/v projection from per-head order
 * (head, part, d) to part order (part, head, d), or back with `toPerHead`.
 */
export function regroupQkvRows<T extends LayoutData>(data: T, heads: number, rowLength: number, toPerHead: boolean): T {
  const rows = data.length / rowLength;
  const D = rows / (3 * heads);
  if (!Number.isInteger(D)) throw new Error(`fused qkv of ${rows} rows does not split into 3 × ${heads} heads`);
  const out = alike(data, data.length);
  for (let h = 0; h < heads; h++)
    for (let part = 0; part < 3; part++)
      for (let d = 0; d < D; d++) {
        const perHead = ((h * 3 + part) * D + d) * rowLength;
        const byPart = ((part * heads + h) * D + d) * rowLength;
        const [from, to] = toPerHead ? [byPart, perHead] : [perHead, byPart];
        out.set(data.subarray(from, from + rowLength), to);
      }
  return out;
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Transpose of a rows×cols row-major matrix. */
export function transpose2d<T extends LayoutData>(data: T, rows: number, cols: number): T {
  const out = alike(data, rows * cols);
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
