// Byte-pair encoding training (Sennrich et al. 2016, "Neural Machine Translation of Rare Words with
// Subword Units", Algorithm 1) over GPT-2's byte-level alphabet: start from the 256 byte
// characters, repeatedly merge the most frequent adjacent pair of symbols inside words, until the
// vocabulary reaches its target size or no pair occurs at least `minFrequency` times.
// Pair counts are updated incrementally (only the words holding the merged pair are recounted).
// Deterministic: ties go to the pair whose (first, second) strings compare smallest.
import { byteLevelAlphabet, preTokenize } from "./byte-level.js";

export interface BpeTrainingOptions {
  /** target number of BPE tokens (the 256 bytes plus merged symbols; special tokens not included) */
  vocabSize: number;
  /** a pair seen fewer times than this is never merged (default 2) */
  minFrequency?: number;
}

export interface TrainedBpe {
  /** token strings in id order: the byte alphabet, then each new symbol in merge order */
  tokens: string[];
  /** merges in rank order */
  merges: [string, string][];
}

interface Word {
  symbols: number[];
  count: number;
}

/** Pair key for symbol ids below 2^21. */
const SHIFT = 2 ** 21;
const pairKey = (a: number, b: number) => a * SHIFT + b;

/** Counts each distinct pre-tokenized word of the documents. */
function countWords(documents: readonly string[], symbolOf: Map<string, number>): Word[] {
  const counts = new Map<string, number>();
  for (const doc of documents)
    for (const word of preTokenize(doc)) counts.set(word, (counts.get(word) ?? 0) + 1);
  // Sorted so the word order (and so every later step) never depends on the input's order.
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([word, count]) => ({ symbols: Array.from(word, (ch) => symbolOf.get(ch)!), count }));
}

export function trainByteLevelBpe(documents: readonly string[], options: BpeTrainingOptions): TrainedBpe {
  const minFrequency = options.minFrequency ?? 2;
  const tokens = byteLevelAlphabet();
  if (!Number.isInteger(options.vocabSize) || options.vocabSize < tokens.length)
    throw new Error(`BPE vocabulary size must be an integer ≥ ${tokens.length}, got ${options.vocabSize}`);
  const symbolOf = new Map(tokens.map((token, id) => [token, id]));
  const words = countWords(documents, symbolOf);
  const pairCounts = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>(); // may list words that lost the pair since
  const addPairs = (w: number, sign: 1 | -1) => {
    const { symbols, count } = words[w];
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = pairKey(symbols[i], symbols[i + 1]);
      const next = (pairCounts.get(key) ?? 0) + sign * count;
      if (next === 0) pairCounts.delete(key);
      else pairCounts.set(key, next);
      if (sign > 0) {
        let holders = pairWords.get(key);
        if (!holders) pairWords.set(key, (holders = new Set()));
        holders.add(w);
      }
    }
  };
  words.forEach((_, w) => addPairs(w, 1));
  const merges: [string, string][] = [];
  while (tokens.length < options.vocabSize) {
    const best = bestPair(pairCounts, tokens);
    if (best === null || best.count < minFrequency) break;
    const [a, b] = [Math.floor(best.key / SHIFT), best.key % SHIFT];
    const merged = tokens[a] + tokens[b];
    let c = symbolOf.get(merged);
    if (c === undefined) {
      c = tokens.length;
      tokens.push(merged);
      symbolOf.set(merged, c);
    }
    merges.push([tokens[a], tokens[b]]);
    for (const w of pairWords.get(best.key) ?? []) {
      if (!hasPair(words[w].symbols, a, b)) continue;
      addPairs(w, -1);
      words[w].symbols = mergeSymbols(words[w].symbols, a, b, c);
      addPairs(w, 1);
    }
    pairWords.delete(best.key);
    pairCounts.delete(best.key); // every occurrence is merged now; a merge never recreates (a, b)
  }
  return { tokens, merges };
}

/** The most frequent pair; ties to the smallest (first, second) strings. */
function bestPair(
  pairCounts: Map<number, number>,
  tokens: readonly string[],
): { key: number; count: number } | null {
  let bestKey = -1;
  let bestCount = 0;
  for (const [key, count] of pairCounts) {
    if (count < bestCount) continue;
    if (count === bestCount && comparePairs(key, bestKey, tokens) >= 0) continue;
    bestKey = key;
    bestCount = count;
  }
  return bestKey < 0 ? null : { key: bestKey, count: bestCount };
}

function comparePairs(x: number, y: number, tokens: readonly string[]): number {
  const [x0, x1, y0, y1] = [
    tokens[Math.floor(x / SHIFT)],
    tokens[x % SHIFT],
    tokens[Math.floor(y / SHIFT)],
    tokens[y % SHIFT],
  ];
  if (x0 !== y0) return x0 < y0 ? -1 : 1;
  return x1 < y1 ? -1 : x1 > y1 ? 1 : 0;
}

function hasPair(symbols: readonly number[], a: number, b: number): boolean {
  for (let i = 0; i + 1 < symbols.length; i++) if (symbols[i] === a && symbols[i + 1] === b) return true;
  return false;
}

/** Replaces each adjacent (a, b), left to right, by c. */
export function mergeSymbols(symbols: readonly number[], a: number, b: number, c: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
      out.push(c);
      i++;
    } else out.push(symbols[i]);
  }
  return out;
}
