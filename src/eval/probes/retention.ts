// Retention: does the model still know the facts an experiment did not edit? Records in the
// CounterFact format name each fact by its rewrite prompt and target_true (target_new is only the
// contrast). Per record, with P the prompt filled with the subject:
//   accuracy:  every token of " " + target_true is the teacher-forced argmax after P (top-1);
//   preferred: NLL(" " + target_true | P) < NLL(" " + target_new | P), CounterFact's comparison.
// A record whose prompt and target exceed the model's context is skipped and counted. Figures are
// fractions in [0, 1]; null when no record was scored.
import type { CounterFactRecord } from "../../data/counterfact/record.js";
import type { CausalLM } from "../../models/causal-lm.js";
import { encodeContinuation } from "../../runtime/score.js";
import { fillTemplate } from "../../tokenizers/prompt-template.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { scoreTokenPairs, type TokenPair } from "../counterfact/batch-score.js";

export interface RetentionOptions {
  batchRows?: number;
  onProgress?: (done: number, total: number) => void;
  /** names the records' file in errors */
  source?: string;
}

export interface RetentionResult {
  task: "retention";
  /** records scored */
  n: number;
  skipped: number;
  /** share of records whose true target is the top-1 continuation */
  accuracy: number | null;
  /** share of records whose true target is likelier than the new one */
  preferred: number | null;
}

export function evaluateRetention(
  records: readonly CounterFactRecord[],
  model: CausalLM,
  tokenizer: Tokenizer,
  options: RetentionOptions = {},
): RetentionResult {
  const context = model.config.maxPositions;
  const encoded = records.map((record, index) => {
    const { prompt, subject, target_true, target_new } = record.requested_rewrite;
    const filled = fillTemplate(prompt, subject);
    try {
      return [target_true.str, target_new.str].map((t) => encodeContinuation(tokenizer, filled, ` ${t}`));
    } catch (error) {
      throw new Error(
        `${options.source ? `${options.source}: ` : ""}record ${index} (case_id ${record.case_id}): ${(error as Error).message}`,
        { cause: error },
      );
    }
  });
  const fits = (pair: TokenPair) => pair.promptIds.length + pair.targetIds.length - 1 <= context;
  const kept = encoded.filter((pairs) => pairs.every(fits));
  const result: RetentionResult = {
    task: "retention",
    n: kept.length,
    skipped: records.length - kept.length,
    accuracy: null,
    preferred: null,
  };
  if (kept.length === 0) return result;
  const scores = scoreTokenPairs(model, kept.flat(), {
    batchRows: options.batchRows,
    padId: tokenizer.padTokenId,
    onProgress: options.onProgress,
  });
  let top1 = 0;
  let preferred = 0;
  for (let k = 0; k < kept.length; k++) {
    const [onTrue, onNew] = [scores[2 * k], scores[2 * k + 1]];
    if (onTrue.argmaxCorrect) top1++;
    if (onTrue.nll < onNew.nll) preferred++;
  }
  return { ...result, accuracy: top1 / kept.length, preferred: preferred / kept.length };
}
