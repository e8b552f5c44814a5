// The critical layers of an edit when the caller replaces the hyperparameters' window: given as a
// list, or chosen by causal tracing (ROME, Meng et al. 2022, §2.1; the window of highest MLP
// effect at the subject's last token, src/trace/suggest.ts) — `--layers auto` of `locedit edit`
// and `locedit experiment`. BLUE (arXiv 2502.03748) then updates the window's first and last layer.
import type { CausalLM } from "../../models/causal-lm.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { suggestCriticalLayers, suggestionJson } from "../../trace/index.js";
import type { EditRequest } from "../requests/types.js";
import type { CriticalLayersChoice } from "./edit-log.js";

/** Requests traced for `auto`. */
export const TRACE_RECORDS = 20;

export interface ChooseLayersOptions {
  /** length of the window `auto` picks (the hyperparameters' window length) */
  windowLength: number;
  /** the flag named in errors and recorded as the source (default "--layers") */
  flag?: string;
  onProgress?: (done: number, total: number, stage: string) => void;
}

/**
 * `value` is "auto" (causal tracing over up to TRACE_RECORDS of `requests` on the model as it is)
 * or layer indices separated by commas; throws, naming the flag, on anything else.
 */
export function chooseCriticalLayers(
  value: string,
  model: CausalLM,
  tokenizer: Tokenizer,
  requests: readonly EditRequest[],
  options: ChooseLayersOptions,
): CriticalLayersChoice {
  const flag = options.flag ?? "--layers";
  if (value !== "auto") {
    const layers = value.split(",").map((x) => (x.trim() === "" ? NaN : Number(x.trim())));
    if (layers.some((l) => !Number.isInteger(l) || l < 0 || l >= model.numLayers))
      throw new Error(
        `${flag} must be "auto" or layer indices 0 … ${model.numLayers - 1} separated by commas, got '${value}'`,
      );
    if (new Set(layers).size !== layers.length) throw new Error(`${flag} names a layer twice: '${value}'`);
    return { layers, source: flag };
  }
  const facts = requests.slice(0, TRACE_RECORDS).map((r) => ({ prompt: r.prompt, subject: r.subject }));
  const suggestion = suggestCriticalLayers(model, tokenizer, facts, {
    windowLength: options.windowLength,
    ...(options.onProgress ? { onProgress: (p) => options.onProgress!(p.done, p.total, p.stage) } : {}),
  });
  return {
    layers: suggestion.layers,
    source: `causal tracing (${flag} auto)`,
    evidence: suggestionJson(suggestion),
  };
}
