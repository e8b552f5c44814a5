// The metrics of an experiment, computed once after its last batch on all the edited records
// (the paper's protocol): CounterFact efficacy / generalisation / specificity (success rates,
// magnitudes, top-1), fluency and — when reference snippets are given — consistency, or zsRE's
// teacher-forced token accuracies; beside them the generation-based (WILD) figures.
import type { ConsistencyReferences } from "../eval/consistency/consistency.js";
import { evaluateCounterfact } from "../eval/counterfact/evaluate.js";
import { evaluateCounterfactWild } from "../eval/counterfact/wild.js";
import { evaluateZsre } from "../eval/zsre/evaluate.js";
import { evaluateZsreWild } from "../eval/zsre/wild.js";
import type { CausalLM } from "../models/causal-lm.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import type { ExperimentRecords } from "./records.js";

export interface FinalMetricsOptions {
  /** sample generations for fluency (CounterFact) */
  fluency: boolean;
  consistency?: ConsistencyReferences;
  batchRows: number;
  onProgress?: (done: number, total: number, what: string) => void;
}

export function finalMetrics(
  model: CausalLM,
  tokenizer: Tokenizer,
  records: ExperimentRecords,
  options: FinalMetricsOptions,
): Record<string, unknown> {
  const progress = (what: string) => (done: number, total: number) => options.onProgress?.(done, total, what);
  if (records.format === "zsre") {
    const summary = evaluateZsre(model, tokenizer, records.records, {
      batchRows: options.batchRows,
      onProgress: progress("zsRE"),
    }).summary;
    const wild = evaluateZsreWild(model, tokenizer, records.records, {
      onProgress: progress("WILD"),
    }).summary;
    return { ...summary, wild };
  }
  const summary = evaluateCounterfact(model, tokenizer, records.records, {
    batchRows: options.batchRows,
    include: { fluency: options.fluency },
    ...(options.consistency ? { consistency: options.consistency } : {}),
    onProgress: progress("CounterFact"),
  }).summary;
  const wild = evaluateCounterfactWild(model, tokenizer, records.records, {
    onProgress: progress("WILD"),
  }).summary;
  return { ...summary, wild };
}
