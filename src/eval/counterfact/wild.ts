// WILD (generation-based) CounterFact evaluation beside the teacher-forced one (Yang et al. 2025):
// greedy continuations of the rewrite and paraphrase prompts must give target_new, those of the
// neighbourhood prompts target_true; see wild/wild.ts for the matching rule.
import type { CounterFactRecord } from "../../data/counterfact/record.js";
import type { CausalLM } from "../../models/causal-lm.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { evaluateWildGroups, type WildEvaluation } from "../wild/summary.js";
import type { WildOptions } from "../wild/wild.js";
import { recordPrompts } from "./evaluate.js";

export function evaluateCounterfactWild(
  model: CausalLM,
  tokenizer: Tokenizer,
  records: readonly CounterFactRecord[],
  options: WildOptions = {},
): WildEvaluation {
  if (records.length === 0) throw new Error("evaluateCounterfactWild: no records");
  const groups = records.map((record) => {
    const prompts = recordPrompts(record, { paraphrase: true, neighborhood: true });
    const newTarget = record.requested_rewrite.target_new.str;
    const trueTarget = record.requested_rewrite.target_true.str;
    return {
      caseId: record.case_id,
      items: {
        efficacy: prompts.rewrite.map((prompt) => ({ prompt, target: newTarget })),
        generalization: prompts.paraphrase.map((prompt) => ({ prompt, target: newTarget })),
        specificity: prompts.neighborhood.map((prompt) => ({ prompt, target: trueTarget })),
      },
    };
  });
  return evaluateWildGroups(model, tokenizer, groups, options);
}
