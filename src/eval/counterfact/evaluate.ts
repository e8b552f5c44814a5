// CounterFact evaluation of a model (the ROME/MEMIT reference's
// `compute_rewrite_quality_counterfact` over many records, then `summarize`): every rewrite,
// paraphrase and neighbourhood prompt of every record is scored with " " + target_new.str and
// " " + target_true.str (mean per-token NLL, teacher forced) in one batched pass, then the metrics
// of metrics.ts are taken per record and averaged. Fluency (generation entropy) and consistency
// (TF-IDF cosine of the same generations with the new target's attribute snippets) are optional.
// A record with a prompt (plus target, or plus one generated token) longer than the model's
// context is skipped and counted (`skipped`), never stopping the evaluation.
import type { CounterFactRecord } from "../../data/counterfact/record.js";
import type { CausalLM } from "../../models/causal-lm.js";
import { encodeContinuation } from "../../runtime/score.js";
import { fillTemplate } from "../../tokenizers/prompt-template.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { recordConsistency, type ConsistencyReferences } from "../consistency/consistency.js";
import { generateFluencyTexts, generationEntropy, type FluencyGenerationOptions } from "../fluency.js";
import { scoreTokenPairs, type TokenPair } from "./batch-score.js";
import {
  recordMetrics,
  summarizeRecords,
  type CounterfactSummary,
  type PromptScores,
  type RecordScores,
} from "./metrics.js";

export interface CounterfactEvalOptions {
  /** rows per forward when scoring, prompts per generate call for fluency (default 64) */
  batchRows?: number;
  /** called as work is done: scoring rows, then generation prompts */
  onProgress?: (done: number, total: number) => void;
  /** prompt groups beyond the rewrite prompt: paraphrase and neighborhood default on, fluency off */
  include?: { paraphrase?: boolean; neighborhood?: boolean; fluency?: boolean };
  /** sampling settings of the fluency generations (top-k 5, 100 tokens, seed 0) */
  fluency?: Omit<FluencyGenerationOptions, "batchRows" | "onProgress">;
  /** TF-IDF vectorizer and attribute snippets: when given, consistency is computed (and fluency with it) */
  consistency?: ConsistencyReferences;
}

export interface CounterfactEvaluation {
  /** the scored records */
  records: RecordScores[];
  /** case ids of the records skipped for want of context */
  skipped: number[];
  summary: CounterfactSummary;
}

type Group = "rewrite" | "paraphrase" | "neighborhood";

/** The prompts of each group for one record (rewrite: requested_rewrite.prompt with the subject). */
export function recordPrompts(
  record: CounterFactRecord,
  include: { paraphrase: boolean; neighborhood: boolean },
): Record<Group, string[]> {
  const { prompt, subject } = record.requested_rewrite;
  return {
    rewrite: [fillTemplate(prompt, subject)],
    paraphrase: include.paraphrase ? record.paraphrase_prompts : [],
    neighborhood: include.neighborhood ? record.neighborhood_prompts : [],
  };
}

export function evaluateCounterfact(
  model: CausalLM,
  tokenizer: Tokenizer,
  allRecords: readonly CounterFactRecord[],
  options: CounterfactEvalOptions = {},
): CounterfactEvaluation {
  if (allRecords.length === 0) throw new Error("evaluateCounterfact: no records");
  const include = {
    paraphrase: options.include?.paraphrase ?? true,
    neighborhood: options.include?.neighborhood ?? true,
  };
  const consistency = options.consistency ?? null;
  const fluency = (options.include?.fluency ?? false) || consistency !== null;
  const groups: Group[] = ["rewrite", "paraphrase", "neighborhood"];
  const context = model.config.maxPositions;
  // Two pairs per prompt: (prompt, " " + new) then (prompt, " " + true), records in order.
  const encoded = allRecords.map((record, index) => {
    const recordPairs: TokenPair[] = [];
    const targets = [record.requested_rewrite.target_new.str, record.requested_rewrite.target_true.str];
    const byGroup = recordPrompts(record, include);
    for (const group of groups)
      byGroup[group].forEach((prompt, j) => {
        for (const target of targets) {
          try {
            recordPairs.push(encodeContinuation(tokenizer, prompt, ` ${target}`));
          } catch (error) {
            throw new Error(
              `record ${index} (case_id ${record.case_id}), ${group} prompt ${j}: ${(error as Error).message}`,
              { cause: error },
            );
          }
        }
      });
    const fits =
      recordPairs.every((p) => p.promptIds.length + p.targetIds.length - 1 <= context) &&
      (!fluency || record.generation_prompts.every((g) => tokenizer.encode(g).length < context));
    return { record, recordPairs, fits };
  });
  const skipped = encoded.filter((e) => !e.fits).map((e) => e.record.case_id);
  const records = encoded.filter((e) => e.fits).map((e) => e.record);
  const prompts = records.map((r) => recordPrompts(r, include));
  const pairs = encoded.filter((e) => e.fits).flatMap((e) => e.recordPairs);
  const generationCount = fluency ? records.reduce((a, r) => a + r.generation_prompts.length, 0) : 0;
  let scoringTotal = 0;
  const scores = scoreTokenPairs(model, pairs, {
    batchRows: options.batchRows,
    padId: tokenizer.padTokenId,
    onProgress: (done, total) => {
      scoringTotal = total;
      options.onProgress?.(done, total + generationCount);
    },
  });
  const texts = fluency
    ? generateFluencyTexts(
        model,
        tokenizer,
        records.flatMap((r) => r.generation_prompts),
        {
          ...options.fluency,
          batchRows: options.batchRows,
          onProgress: (done) => options.onProgress?.(scoringTotal + done, scoringTotal + generationCount),
        },
      )
    : [];
  let next = 0;
  let nextText = 0;
  const results = records.map((record, index): RecordScores => {
    const byGroup = {} as Record<Group, PromptScores[]>;
    for (const group of groups)
      byGroup[group] = prompts[index][group].map((prompt) => {
        const [onNew, onTrue] = [scores[next++], scores[next++]];
        return {
          prompt,
          newNll: onNew.nll,
          trueNll: onTrue.nll,
          newLogprob: onNew.logprob,
          trueLogprob: onTrue.logprob,
          correct: group === "neighborhood" ? onTrue.argmaxCorrect : onNew.argmaxCorrect,
        };
      });
    const count = fluency ? record.generation_prompts.length : 0;
    const generations = fluency ? texts.slice(nextText, (nextText += count)) : null;
    const entropy = generations && generations.length > 0 ? generationEntropy(generations) : null;
    const { relation_id, target_new } = record.requested_rewrite;
    const similarity =
      consistency && generations && generations.length > 0
        ? recordConsistency(generations, relation_id, target_new.id, consistency)
        : null;
    return {
      caseId: record.case_id,
      ...byGroup,
      generations,
      metrics: recordMetrics(byGroup.rewrite, byGroup.paraphrase, byGroup.neighborhood, entropy, similarity),
    };
  });
  return {
    records: results,
    skipped,
    summary: summarizeRecords(results, { consistency: consistency !== null, skipped: skipped.length }),
  };
}
