// What the demo shows of one CounterFact record before and after an edit: for its rewrite prompt,
// one paraphrase and one neighbourhood prompt, the model's greedy completion and the probability
// of " " + target_new and " " + target_true (the strings evaluateCounterfact scores).
import type { CounterFactRecord } from "../data/world/counterfact.js";
import type { CausalLM } from "../models/causal-lm.js";
import { generate } from "../runtime/generate.js";
import { scoreContinuation } from "../runtime/score.js";
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

/** The greedy completion of `prompt`, cut at the first sentence end or line break. */
export function greedyCompletion(model: CausalLM, tokenizer: Tokenizer, prompt: string): string {
  const stop = tokenizer.eosTokenId === null ? [] : [tokenizer.eosTokenId];
  const [ids] = generate(model, [tokenizer.encode(prompt)], {
    maxNewTokens: COMPLETION_TOKENS,
    stopTokenIds: stop,
    padId: tokenizer.padTokenId,
  });
  const text = tokenizer.decode(ids, { skipSpecialTokens: true });
  return text.split(/[.\n]/)[0].trim();
}

export function probePrompt(
  model: CausalLM,
  tokenizer: Tokenizer,
  record: CounterFactRecord,
  prompt: string,
): PromptProbe {
  const { target_new, target_true } = record.requested_rewrite;
  const p = (target: string) => Math.exp(scoreContinuation(model, tokenizer, prompt, ` ${target}`).logprob);
  return {
    prompt,
    completion: greedyCompletion(model, tokenizer, prompt),
    pNew: p(target_new.str),
    pTrue: p(target_true.str),
  };
}

export function probeRecord(model: CausalLM, tokenizer: Tokenizer, record: CounterFactRecord): RecordProbe {
  const prompts = probePrompts(record);
  return {
    caseId: record.case_id,
    rewrite: probePrompt(model, tokenizer, record, prompts.rewrite),
    paraphrase: probePrompt(model, tokenizer, record, prompts.paraphrase),
    neighbour: probePrompt(model, tokenizer, record, prompts.neighbour),
  };
}

/** Whether a completion gives `target` (as its first word or words). */
export function completionSays(completion: string, target: string): boolean {
  return completion === target || completion.startsWith(`${target} `) || completion.startsWith(`${target},`);
}
