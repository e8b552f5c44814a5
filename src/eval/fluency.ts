// Fluency of generations as the ROME/MEMIT reference measures it (Meng et al. 2022,
// `util/generate.py::generate_fast` + `experiments/py/eval_utils_counterfact.py::n_gram_entropy`):
// each prompt is continued by top-k sampling (k = 5) up to 100 tokens in all, prompt included, with
// no stop token; the text (prompt + continuation, special tokens dropped, NFKD, "\n\n" → " ") gets
// the entropy (bits) of its bigram and trigram frequencies, weighted 2/3 and 4/3 and averaged:
// (2/3·H₂ + 4/3·H₃) / 2. A set of texts scores the arithmetic mean. Repetitive text (the failure
// that over-edited models show) has low entropy. The reference splits words with
// nltk.word_tokenize; `wordTokens` approximates it (runs of word characters, contractions split
// off as "n't"/"'s", and each other non-space character alone).
import type { CausalLM } from "../models/causal-lm.js";
import { generate } from "../runtime/generate.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";

const WORD_PATTERN = /[\p{L}\p{N}_]+(?=n't)|n't|'[\p{L}]+|[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/** Word and punctuation tokens of `text`, close to nltk.word_tokenize. */
export function wordTokens(text: string): string[] {
  return text.match(WORD_PATTERN) ?? [];
}

/** Shannon entropy (bits) of the frequency distribution of the n-grams of `tokens`; 0 when none. */
export function nGramEntropyBits(tokens: readonly string[], n: number): number {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join("\u0000");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = Math.max(0, tokens.length - n + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / total;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

/** The reference's compute_n_gram_entropy of one text: mean of 2/3·H₂ and 4/3·H₃. */
export function textEntropy(text: string): number {
  const tokens = wordTokens(text);
  return ((2 / 3) * nGramEntropyBits(tokens, 2) + (4 / 3) * nGramEntropyBits(tokens, 3)) / 2;
}

/** The reference's n_gram_entropy: arithmetic mean of textEntropy over `texts`. */
export function generationEntropy(texts: readonly string[]): number {
  if (texts.length === 0) throw new Error("generationEntropy: no texts");
  return texts.reduce((a, t) => a + textEntropy(t), 0) / texts.length;
}

export interface FluencyGenerationOptions {
  /** top-k of the sampling (default 5, as the reference) */
  topK?: number;
  /** seed of the sampling (default 0) */
  seed?: number;
  /** tokens per text, prompt included (default 100, as the reference; capped at the model's positions) */
  maxLength?: number;
  /** prompts per generate call (default 64) */
  batchRows?: number;
  /** called after each batch with the prompts done */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Continues each prompt by seeded top-k sampling to `maxLength` tokens (prompt included), as
 * generate_fast; returns prompt + continuation as text. Prompts of equal token length share a
 * generate call, so every text gets exactly its own budget; deterministic in (prompts, seed).
 */
export function generateFluencyTexts(
  model: CausalLM,
  tokenizer: Tokenizer,
  prompts: readonly string[],
  options: FluencyGenerationOptions = {},
): string[] {
  const k = options.topK ?? 5;
  const batchRows = options.batchRows ?? 64;
  const positions = model.arch.positionLimit?.positions ?? Infinity;
  const maxLength = Math.min(options.maxLength ?? 100, positions);
  const encoded = prompts.map((p, i) => {
    const ids = tokenizer.encode(p);
    if (ids.length === 0) throw new Error(`generation prompt ${i} (${JSON.stringify(p)}) has no tokens`);
    return ids;
  });
  const byLength = new Map<number, number[]>();
  encoded.forEach((ids, i) => byLength.set(ids.length, [...(byLength.get(ids.length) ?? []), i]));
  const texts: string[] = new Array(prompts.length);
  let done = 0;
  let call = 0;
  for (const [length, members] of [...byLength].sort((a, b) => a[0] - b[0])) {
    for (let first = 0; first < members.length; first += batchRows) {
      const chunk = members.slice(first, first + batchRows);
      const outputs = generate(
        model,
        chunk.map((i) => encoded[i]),
        {
          maxNewTokens: Math.max(0, maxLength - length),
          decoding: { kind: "top-k", k, seed: ((options.seed ?? 0) + Math.imul(call++, 0x9e3779b9)) >>> 0 },
          padId: tokenizer.padTokenId,
        },
      );
      chunk.forEach((i, b) => {
        const text = tokenizer.decode([...encoded[i], ...outputs[b]], { skipSpecialTokens: true });
        texts[i] = text.normalize("NFKD").replaceAll("\n\n", " ");
      });
      done += chunk.length;
      options.onProgress?.(done, prompts.length);
    }
  }
  return texts;
}
