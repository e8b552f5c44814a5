// GPT-2's byte-level view of text (Radford et al. 2019, `encoder.py`): the bytes_to_unicode table
// that gives each of the 256 bytes a printable character, and the pre-tokenizer regex that splits
// text into words before BPE. With both, every string is encodable and decodes back exactly.

/** The printable character GPT-2 uses for each byte 0..255 (`bytes_to_unicode`). */
export function byteToUnicodeTable(): string[] {
  const printable = new Set<number>();
  const addRange = (from: string, to: string) => {
    for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) printable.add(c);
  };
  addRange("!", "~");
  addRange("¡", "¬");
  addRange("®", "ÿ");
  const table = new Array<string>(256);
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++)
    table[byte] = String.fromCharCode(printable.has(byte) ? byte : 256 + shifted++);
  return table;
}

/** The 256 byte characters in GPT-2's id order: printable bytes first, then the shifted ones. */
export function byteLevelAlphabet(): string[] {
  return [...byteToUnicodeTable()].sort((a, b) => {
    const aShifted = a.charCodeAt(0) >= 256 ? 1 : 0;
    const bShifted = b.charCodeAt(0) >= 256 ? 1 : 0;
    return aShifted - bShifted || a.charCodeAt(0) - b.charCodeAt(0);
  });
}

/**
 * GPT-2's pre-tokenizer regex (what the ByteLevel pre-tokenizer with `use_regex: true` applies):
 * contractions, words with their leading space, numbers, punctuation runs, whitespace.
 */
export const GPT2_SPLIT_REGEX =
  /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

const BYTE_TABLE = byteToUnicodeTable();
const UTF8 = new TextEncoder();

/** UTF-8 bytes of `text`, each written as its byte-level character. */
export function toByteLevel(text: string): string {
  let out = "";
  for (const byte of UTF8.encode(text)) out += BYTE_TABLE[byte];
  return out;
}

/** The words of `text` (GPT-2's regex unless another global regex is given), in byte-level characters. */
export function preTokenize(text: string, splitRegex: RegExp = GPT2_SPLIT_REGEX): string[] {
  return Array.from(text.matchAll(splitRegex), (match) => toByteLevel(match[0]));
}
