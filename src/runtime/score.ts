// Teacher-forced scoring of a continuation: log p(target | prompt) = Σ_i log p(t_i | prompt, t_<i),
// with the target's tokens taken as the suffix of encode(prompt + target) after encode(prompt)
// (so tokenizers that merge across the boundary or add a prefix space stay consistent).
import type { CausalLM } from "../models/causal-lm.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { makeBatch } from "./batch.js";
import { logSoftmax } from "./loss.js";

export interface TokenScore {
  id: number;
  text: string;
  logprob: number;
}

export interface ContinuationScore {
  promptIds: number[];
  targetIds: number[];
  logprob: number;
  tokens: TokenScore[];
}

/** Splits encode(prompt + target) into prompt ids and target ids. */
export function encodeContinuation(tokenizer: Tokenizer, prompt: string, target: string) {
  if (target.length === 0) throw new Error("the target continuation is empty");
  const promptIds = tokenizer.encode(prompt);
  const full = tokenizer.encode(prompt + target);
  const isPrefix = promptIds.length < full.length && promptIds.every((id, i) => full[i] === id);
  if (!isPrefix)
    throw new Error(
      `the tokenization of prompt ${JSON.stringify(prompt)} is not a prefix of prompt + target ${JSON.stringify(target)}; ` +
        "move the boundary (for example put the space at the start of the target)",
    );
  return { promptIds, targetIds: full.slice(promptIds.length) };
}

export function scoreContinuation(
  model: CausalLM,
  tokenizer: Tokenizer,
  prompt: string,
  target: string,
): ContinuationScore {
  const { promptIds, targetIds } = encodeContinuation(tokenizer, prompt, target);
  if (promptIds.length === 0)
    throw new Error("the prompt encodes to no tokens and the tokenizer adds no BOS");
  const ids = [...promptIds, ...targetIds];
  const batch = makeBatch([ids.slice(0, -1)]);
  const positions = targetIds.map((_, i) => ({ row: 0, position: promptIds.length - 1 + i }));
  const { logits } = model.forward(batch, { logits: positions });
  const V = model.config.vocabSize;
  const tokens = targetIds.map((id, i) => ({
    id,
    text: tokenizer.decode([id]),
    logprob: logSoftmax(logits, i * V, V)[id],
  }));
  return { promptIds, targetIds, logprob: tokens.reduce((a, t) => a + t.logprob, 0), tokens };
}
