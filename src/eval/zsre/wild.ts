// WILD (generation-based) zsRE evaluation beside the teacher-forced token accuracy (Yang et al.
// 2025): greedy answers to the question and its rephrase must give answers[0], the answer to the NQ
// question its own answer; see wild/wild.ts for the matching rule.
import type { ZsreCase } from "../../data/zsre/records.js";
import type { CausalLM } from "../../models/causal-lm.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { evaluateWildGroups, type WildEvaluation } from "../wild/summary.js";
import type { WildOptions } from "../wild/wild.js";
import { zsreGroupPrompts } from "./evaluate.js";

export function evaluateZsreWild(
  model: CausalLM,
  tokenizer: Tokenizer,
  cases: readonly ZsreCase[],
  options: WildOptions = {},
): WildEvaluation {
  if (cases.length === 0) throw new Error("evaluateZsreWild: no records");
  const groups = cases.map((c) => {
    const g = zsreGroupPrompts(c);
    return {
      caseId: c.caseId,
      items: {
        efficacy: [{ prompt: g.efficacy.prompt, target: g.efficacy.answer }],
        generalization: [{ prompt: g.generalization.prompt, target: g.generalization.answer }],
        specificity: [{ prompt: g.specificity.prompt, target: g.specificity.answer }],
      },
    };
  });
  return evaluateWildGroups(model, tokenizer, groups, options);
}
