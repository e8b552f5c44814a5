// Generation-based ("WILD") evaluation of an edit (Yang et al. 2025, "The Mirage of Model Editing:
// Revisiting Evaluation in the Wild"): instead of teacher forcing the target's tokens, which leaks
// their content and length, the model continues the prompt greedily until it writes a newline or
// EOS or reaches `maxNewTokens`, and the continuation is compared with the target after
// normalising both (lower case, accents, punctuation and symbols removed, spaces collapsed):
//   match: the continuation starts with the target's words (" Paris, the capital" for "Paris");
//   exact: the continuation is the target and nothing more.
// A prompt that leaves no room in the model's context for one new token is skipped and counted.
import type { CausalLM } from "../../models/causal-lm.js";
import { greedyBatches } from "../greedy.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";

export interface WildItem {
  prompt: string;
  target: string;
}

export interface WildResult {
  prompt: string;
  target: string;
  /** the greedy continuation up to the first newline (null when skipped) */
  continuation: string | null;
  /** the normalised continuation starts with the normalised target (whole words) */
  match: boolean;
  /** the normalised continuation equals the normalised target */
  exact: boolean;
  /** the prompt fills the model's context: not generated, counted as skipped (and not matched) */
  skipped: boolean;
}

export interface WildOptions {
  /** most new tokens per prompt (default 16; capped by the model's context) */
  maxNewTokens?: number;
  /** prompts per generate call (default 32) */
  batchRows?: number;
  /** called after each generate call with the prompts done */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Lower case without accents (NFKD, combining marks dropped); dashes and slashes become spaces,
 * other punctuation and symbols are dropped ("U.S." → "us"); whitespace collapsed and trimmed.
 */
export function normalizeAnswer(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[\p{Pd}/]/gu, " ")
    .replace(/[\p{P}\p{S}]/gu, "")
    .replace(/\s+/gu, " ")
    .trim();
}

/** Whether `continuation` gives `target`: as its first words (match) and as all of it (exact). */
export function compareAnswer(continuation: string, target: string): { match: boolean; exact: boolean } {
  const said = normalizeAnswer(continuation);
  const wanted = normalizeAnswer(target);
  if (wanted === "") return { match: false, exact: false };
  const exact = said === wanted;
  return { match: exact || said.startsWith(`${wanted} `), exact };
}

const newlineIds = new WeakMap<Tokenizer, number[]>();

/** Ids whose text holds a newline (they end a WILD continuation), cached per tokenizer. */
export function newlineTokenIds(tokenizer: Tokenizer): number[] {
  let ids = newlineIds.get(tokenizer);
  if (!ids) {
    ids = [];
    for (let id = 0; id < tokenizer.vocabSize; id++) {
      let text: string;
      try {
        text = tokenizer.decode([id]);
      } catch {
        continue; // a hole in the id range
      }
      if (text.includes("\n")) ids.push(id);
    }
    newlineIds.set(tokenizer, ids);
  }
  return ids;
}

/**
 * Greedy continuations of `prompts` up to the first newline, EOS or `maxNewTokens`; null for a
 * prompt with no room left in the model's context.
 */
export function greedyContinuations(
  model: CausalLM,
  tokenizer: Tokenizer,
  prompts: readonly string[],
  options: WildOptions = {},
): (string | null)[] {
  const maxNew = options.maxNewTokens ?? 16;
  if (!Number.isInteger(maxNew) || maxNew < 1)
    throw new Error(`maxNewTokens must be an integer ≥ 1, got ${maxNew}`);
  const encoded = prompts.map((p, i) => {
    const ids = tokenizer.encode(p);
    if (ids.length === 0) throw new Error(`WILD prompt ${i} (${JSON.stringify(p)}) has no tokens`);
    return ids;
  });
  const stops = [...newlineTokenIds(tokenizer)];
  if (tokenizer.eosTokenId !== null) stops.push(tokenizer.eosTokenId);
  const budgets = encoded.map((ids) => Math.min(maxNew, model.config.maxPositions - ids.length));
  const outputs = greedyBatches(model, encoded, budgets, {
    stopTokenIds: stops,
    padId: tokenizer.padTokenId,
    batchRows: options.batchRows,
    onProgress: options.onProgress,
  });
  return outputs.map((ids) => {
    if (ids === null) return null;
    if (ids.length > 0 && ids[ids.length - 1] === tokenizer.eosTokenId) ids.pop();
    return tokenizer.decode(ids, { skipSpecialTokens: true }).split("\n")[0];
  });
}

/** Generates for every item and compares its continuation with its target. */
export function evaluateWild(
  model: CausalLM,
  tokenizer: Tokenizer,
  items: readonly WildItem[],
  options: WildOptions = {},
): WildResult[] {
  const continuations = greedyContinuations(
    model,
    tokenizer,
    items.map((item) => item.prompt),
    options,
  );
  return items.map((item, i) => {
    const continuation = continuations[i];
    const { match, exact } =
      continuation === null ? { match: false, exact: false } : compareAnswer(continuation, item.target);
    return {
      prompt: item.prompt,
      target: item.target,
      continuation,
      match,
      exact,
      skipped: continuation === null,
    };
  });
}
