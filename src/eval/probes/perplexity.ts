// Perplexity of a plain text, exp(mean NLL per predicted token), over windows of the model's
// context as Hugging Face's fixed-length-model recipe computes it: the whole text is tokenized
// once; window w covers tokens [w·stride, w·stride + context) and predicts the tokens it has not
// already predicted (each token from all the tokens of its window before it). With stride equal to
// the context (the default) the windows are disjoint chunks and each one's first token goes
// unpredicted; a smaller stride gives every prediction more left context for more compute.
import type { CausalLM } from "../../models/causal-lm.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { scoreTokenPairs, type TokenPair } from "../counterfact/batch-score.js";

export interface PerplexityOptions {
  /** window step in tokens (default: the model's context, i.e. disjoint chunks) */
  stride?: number;
  /** read only the first maxTokens tokens of the text (default: all) */
  maxTokens?: number;
  /** windows per forward (default 8) */
  batchRows?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface PerplexityResult {
  task: "perplexity";
  /** tokens predicted */
  n: number;
  /** always 0: long texts are windowed, never skipped */
  skipped: number;
  perplexity: number;
  /** mean negative log-likelihood per predicted token (nats) */
  nll: number;
  /** tokens of the (possibly cut) text, and windows run */
  tokens: number;
  windows: number;
}

/** The (context, predicted tokens) pairs of the sliding windows over `ids`. */
export function perplexityWindows(ids: readonly number[], context: number, stride: number): TokenPair[] {
  if (!Number.isInteger(stride) || stride < 1 || stride > context)
    throw new Error(`stride must be an integer in [1, ${context}] (the model's context), got ${stride}`);
  const pairs: TokenPair[] = [];
  let predictedUpTo = 0; // tokens [0, predictedUpTo) are predicted or unpredictable
  for (let begin = 0; predictedUpTo < ids.length; begin += stride) {
    const end = Math.min(begin + context, ids.length);
    const firstTarget = Math.max(predictedUpTo, begin + 1);
    if (firstTarget < end)
      pairs.push({ promptIds: ids.slice(begin, firstTarget), targetIds: ids.slice(firstTarget, end) });
    predictedUpTo = end;
  }
  return pairs;
}

export function perplexityOfText(
  text: string,
  model: CausalLM,
  tokenizer: Tokenizer,
  options: PerplexityOptions = {},
  source = "the text",
): PerplexityResult {
  const context = model.config.maxPositions;
  let ids = tokenizer.encode(text);
  if (options.maxTokens !== undefined) ids = ids.slice(0, options.maxTokens);
  if (ids.length < 2)
    throw new Error(`${source}: perplexity needs at least 2 tokens, the text has ${ids.length}`);
  const pairs = perplexityWindows(ids, context, options.stride ?? context);
  const scores = scoreTokenPairs(model, pairs, {
    batchRows: options.batchRows ?? 8,
    padId: tokenizer.padTokenId,
    onProgress: options.onProgress,
  });
  // Sum in float64 over windows: each score already sums its tokens' log-probabilities.
  const logprob = scores.reduce((a, s) => a + s.logprob, 0);
  const n = scores.reduce((a, s) => a + s.tokens, 0);
  const nll = -logprob / n;
  return {
    task: "perplexity",
    n,
    skipped: 0,
    perplexity: Math.exp(nll),
    nll,
    tokens: ids.length,
    windows: pairs.length,
  };
}
