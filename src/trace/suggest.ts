// Which layers to edit, from causal tracing (Meng et al., "Mass-Editing Memory in a Transformer",
// arXiv 2210.07229, §3/Fig. 3 chose MEMIT's critical layers where restoring the MLP outputs at the
// subject's last token has the largest average indirect effect): the contiguous window of a given
// length with the highest mean MLP AIE, never including the last layer (a change to the subject's
// residual there cannot reach the positions where the answer is predicted). BLUE (Li et al., arXiv
// 2502.03748) then updates the window's first and last layers: its boundary layers.
import type { CausalLM } from "../models/causal-lm.js";
import { criticalWindow } from "../editing/hparams/derive.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { traceRecords, type LayerEffect, type RecordsTrace } from "./average.js";
import type { TraceFact } from "./causal-trace.js";
import type { TraceOptions } from "./options.js";

export interface WindowScore {
  layers: number[];
  /** mean MLP indirect effect at the subject's last token over the window's layers */
  meanEffect: number;
}

export interface CriticalWindow {
  layers: number[];
  /** BLUE's boundary layers: the window's first and last */
  boundary: [number, number];
  meanEffect: number;
  /** every window considered, in order of its first layer */
  windows: WindowScore[];
}

export interface LayerSuggestion extends CriticalWindow {
  windowLength: number;
  /** the evidence: MLP restorations at the subject's last token */
  kind: "mlp";
  position: "subject_last";
  /** average indirect effect per layer (mean, std over the records) */
  effects: LayerEffect;
  records: number;
  samples: number;
  /** MLP layers restored together around each layer */
  traceWindow: number;
  noise: { std: number; embeddingStd: number; factor: number | null };
  cleanProbability: number;
  corruptedProbability: number;
}

/** The window of `length` consecutive layers, ending before the last layer, with the highest mean effect. */
export function pickCriticalWindow(effects: readonly number[], length: number): CriticalWindow {
  const L = effects.length;
  const lastAllowed = Math.max(0, L - 2);
  if (!(Number.isInteger(length) && length >= 1))
    throw new Error(`the critical window's length must be an integer ≥ 1, got ${length}`);
  if (length > lastAllowed + 1)
    throw new Error(
      `a critical window of ${length} layers does not fit in a ${L}-layer model without its last layer (at most ${lastAllowed + 1})`,
    );
  for (const [l, e] of effects.entries())
    if (!Number.isFinite(e)) throw new Error(`the effect of layer ${l} is ${e}, not a number`);
  const windows: WindowScore[] = [];
  for (let first = 0; first + length - 1 <= lastAllowed; first++) {
    const layers = Array.from({ length }, (_, i) => first + i);
    windows.push({ layers, meanEffect: layers.reduce((a, l) => a + effects[l], 0) / length });
  }
  const best = windows.reduce((a, w) => (w.meanEffect > a.meanEffect ? w : a));
  return {
    layers: best.layers,
    boundary: [best.layers[0], best.layers[length - 1]],
    meanEffect: best.meanEffect,
    windows,
  };
}

export interface SuggestOptions extends TraceOptions {
  /** how many layers the window holds (default: the derived default window's, e.g. 5; 2 for a 4-layer model) */
  windowLength?: number;
}

/** Traces `facts` (MLP restorations at the subject's last token) and picks the critical window. */
export function suggestCriticalLayers(
  model: CausalLM,
  tokenizer: Tokenizer,
  facts: readonly TraceFact[],
  options: SuggestOptions = {},
): LayerSuggestion {
  const windowLength = options.windowLength ?? criticalWindow(model.numLayers).length;
  pickCriticalWindow(new Array<number>(model.numLayers).fill(0), windowLength); // fail before tracing
  return suggestionFromTrace(
    traceRecords(model, tokenizer, facts, { ...options, kinds: ["mlp"] }),
    windowLength,
  )!;
}

/** The suggestion from an averaged trace that restored MLP outputs (undefined when it did not). */
export function suggestionFromTrace(trace: RecordsTrace, windowLength: number): LayerSuggestion | undefined {
  const mlp = trace.kinds.find((k) => k.kind === "mlp");
  if (!mlp) return undefined;
  return {
    ...pickCriticalWindow(mlp.subjectLast.mean, windowLength),
    windowLength,
    kind: "mlp",
    position: "subject_last",
    effects: mlp.subjectLast,
    records: trace.records.length,
    samples: trace.samples,
    traceWindow: mlp.window,
    noise: trace.noise,
    cleanProbability: trace.cleanProbability.mean,
    corruptedProbability: trace.corruptedProbability.mean,
  };
}
