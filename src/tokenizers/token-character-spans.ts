// Maps a character range of a text to the range of its tokens, for a tokenizer that gives no
// offsets (@huggingface/tokenizers 0.2.0 returns ids and token strings only). The mapping decodes
// growing prefixes of the ids and compares them with the text, so it follows whatever the
// normalizer, pre-tokenizer, byte fallback and decoder did, without knowing any of them.
import type { Tokenizer } from "./tokenizer.js";

/** Half-open token range [start, end). */
export interface TokenRange {
  start: number;
  end: number;
}

function commonPrefixLength(a: string, b: string): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

/**
 * Token range of the characters [charStart, charEnd) of `text`, given `ids` = the encoding of `text`
 * without special tokens. Token i belongs to the range when it carries any byte of those characters.
 * Returns null when decoding the ids never reproduces `text` up to charEnd (e.g. a normalizer
 * changed the text, or special-token strings decode differently), so the caller can try another way.
 */
export function tokenRangeOfCharacters(
  tokenizer: Tokenizer,
  ids: readonly number[],
  text: string,
  charStart: number,
  charEnd: number,
): TokenRange | null {
  // start = one past the last token whose decoded prefix is an exact prefix of the text that ends at
  // or before charStart; a prefix ending in a partial UTF-8 sequence ("�") is not exact, so a
  // byte-fallback token holding the first byte of the subject's first character stays in the range.
  let start = 0;
  for (let i = 0; i < ids.length; i++) {
    const decoded = tokenizer.decode(ids.slice(0, i + 1), { cleanUpTokenizationSpaces: false });
    const covered = commonPrefixLength(decoded, text);
    if (covered === decoded.length && covered <= charStart) start = i + 1;
    if (covered >= charEnd) return start <= i ? { start, end: i + 1 } : null;
  }
  return null;
}

function startsWith(ids: readonly number[], prefix: readonly number[]): boolean {
  return prefix.length <= ids.length && prefix.every((id, i) => ids[i] === id);
}

/**
 * The ROME reference's way: the range ends after the tokens of `text.slice(0, charEnd)` and starts
 * after those of the text before charStart (tried as is, then without trailing whitespace, which the
 * reference strips). Only valid when those encodings are prefixes of `ids` (the encoding of `text`
 * without special tokens); returns null otherwise. Used where decoding does not reproduce the text,
 * e.g. special-token strings such as "</s>" written inside the prompt.
 */
export function tokenRangeByPrefixEncoding(
  tokenizer: Tokenizer,
  ids: readonly number[],
  text: string,
  charStart: number,
  charEnd: number,
): TokenRange | null {
  const encode = (part: string) => tokenizer.encode(part, { addSpecialTokens: false });
  const throughSubject = encode(text.slice(0, charEnd));
  if (!startsWith(ids, throughSubject)) return null;
  const before = text.slice(0, charStart);
  for (const prefix of [before, before.trimEnd()]) {
    const prefixIds = encode(prefix);
    if (startsWith(throughSubject, prefixIds) && prefixIds.length < throughSubject.length) {
      return { start: prefixIds.length, end: throughSubject.length };
    }
  }
  return null;
}
