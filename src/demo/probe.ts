// What the demo shows of one CounterFact record before and after an edit: for its rewrite prompt,
// one paraphrase and one neighbourhood prompt, the model's greedy completion and the probability
// of " " + target_new and " " + target_true (the strings evaluateCounterfact scores).
import type { CounterFactRecord } from "../data/counterfact/record.js";
import { scoreTokenPairs } from "../eval/counterfact/batch-score.js";
import type { CausalLM } from "../models/causal-lm.js";
import { generate } from "../runtime/generate.js";
import { encodeContinuation } from "../runtime/score.js";
import { fillTemplate } from "../tokenizers/prompt-template.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";

/** Tokens a completion may run to: enough for every object name of the fact world. */
export const COMPLETION_TOKENS = 6;

export interface PromptProbe {
  prompt: string;
  /** greedy continuation up to the end of its first sentence, trimmed */
  completion: string;
  /** P(" " + target_new | prompt) and P(" " + target_true | prompt), whole target */
  pNew: number;
  pTrue: number;
}

export interface RecordProbe {
  caseId: number;
  rewrite: PromptProbe;
  paraphrase: PromptProbe;
  neighbour: PromptProbe;
}

/** The rewrite prompt with the subject filled in, the first paraphrase and the first neighbour. */
export function probePrompts(record: CounterFactRecord): {
  rewrite: string;
  paraphrase: string;
  neighbour: string;
} {
  const { prompt, subject } = record.requested_rewrite;
  const rewrite = fillTemplate(prompt, subject);
  return {
    rewrite,
    paraphrase: record.paraphrase_prompts[0] ?? rewrite,
    neighbour: record.neighborhood_prompts[0] ?? rewrite,
  };
}

/** Greedy completions of `prompts` (one batched generate), each cut at its first sentence end. */
export function greedyCompletions(
  model: CausalLM,
  tokenizer: Tokenizer,
  prompts: readonly string[],
): string[] {
  const stop = tokenizer.eosTokenId === null ? [] : [tokenizer.eosTokenId];
  const generated = generate(
    model,
    prompts.map((p) => tokenizer.encode(p)),
    { maxNewTokens: COMPLETION_TOKENS, stopTokenIds: stop, padId: tokenizer.padTokenId },
  );
  return generated.map((ids) => tokenizer.decode(ids, { skipSpecialTokens: true }).split(/[.\n]/)[0].trim());
}

/** Probes of every record's three prompts: one batched generate and one batched scoring pass. */
export function probeRecords(
  model: CausalLM,
  tokenizer: Tokenizer,
  records: readonly CounterFactRecord[],
): RecordProbe[] {
  const groups = ["rewrite", "paraphrase", "neighbour"] as const;
  const prompts = records.flatMap((r) => {
    const p = probePrompts(r);
    return groups.map((g) => p[g]);
  });
  const completions = greedyCompletions(model, tokenizer, prompts);
  const pairs = prompts.flatMap((prompt, i) => {
    const { target_new, target_true } = records[Math.floor(i / groups.length)].requested_rewrite;
    return [target_new, target_true].map((t) => encodeContinuation(tokenizer, prompt, ` ${t.str}`));
  });
  const scores = scoreTokenPairs(model, pairs, { padId: tokenizer.padTokenId });
  const probe = (i: number): PromptProbe => ({
    prompt: prompts[i],
    completion: completions[i],
    pNew: Math.exp(scores[2 * i].logprob),
    pTrue: Math.exp(scores[2 * i + 1].logprob),
  });
  return records.map((record, r) => ({
    caseId: record.case_id,
    rewrite: probe(3 * r),
    paraphrase: probe(3 * r + 1),
    neighbour: probe(3 * r + 2),
  }));
}

/** Whether a completion gives `target` (as its first word or words). */
export function completionSays(completion: string, target: string): boolean {
  return completion === target || completion.startsWith(`${target} `) || completion.startsWith(`${target},`);
}
