// A byte-level BPE encoder and decoder written from the algorithm (GPT-2's `encoder.py`): split the
// text into words with the GPT-2 regex, map each word's UTF-8 bytes to byte characters, then apply
// merges lowest rank first. Independent of @huggingface/tokenizers, so tests can compare the two;
// the trainer uses it to tokenize the training documents without a round trip through JSON.
import { byteToUnicodeTable, GPT2_SPLIT_REGEX, toByteLevel } from "./byte-level.js";
import type { TrainedBpe } from "./bpe-trainer.js";

const UNICODE_TO_BYTE = new Map(byteToUnicodeTable().map((ch, byte) => [ch, byte]));

export class ByteLevelBpe {
  private readonly idOf: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly cache = new Map<string, number[]>();

  /** `specialTokens` get the ids after the BPE tokens, in order. */
  constructor(
    readonly bpe: TrainedBpe,
    readonly specialTokens: readonly string[] = [],
  ) {
    this.idOf = new Map(bpe.tokens.map((token, id) => [token, id]));
    specialTokens.forEach((token, i) => this.idOf.set(token, bpe.tokens.length + i));
    this.ranks = new Map(bpe.merges.map(([a, b], rank) => [`${a} ${b}`, rank]));
  }

  /** Number of ids: BPE tokens plus special tokens. */
  get vocabSize(): number {
    return this.bpe.tokens.length + this.specialTokens.length;
  }

  /** Id of a special token. */
  specialId(token: string): number {
    const i = this.specialTokens.indexOf(token);
    if (i < 0) throw new Error(`special token ${JSON.stringify(token)} is not in this tokenizer`);
    return this.bpe.tokens.length + i;
  }

  /** Ids of `text`; special-token strings inside it become their ids, as Hugging Face's encode does. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const [piece, special] of this.splitSpecial(text)) {
      if (special) ids.push(this.idOf.get(piece)!);
      else
        for (const match of piece.matchAll(GPT2_SPLIT_REGEX))
          ids.push(...this.encodeWord(toByteLevel(match[0])));
    }
    return ids;
  }

  /** Text of `ids` (special tokens as their strings). */
  decode(ids: readonly number[]): string {
    let out = "";
    let bytes: number[] = [];
    const flush = () => {
      out += Buffer.from(bytes).toString("utf8");
      bytes = [];
    };
    for (const id of ids) {
      if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize)
        throw new RangeError(`token id ${id} is outside the vocabulary (size ${this.vocabSize})`);
      if (id >= this.bpe.tokens.length) {
        flush();
        out += this.specialTokens[id - this.bpe.tokens.length];
      } else for (const ch of this.bpe.tokens[id]) bytes.push(UNICODE_TO_BYTE.get(ch)!);
    }
    flush();
    return out;
  }

  /** BPE over one byte-level word, cached. */
  private encodeWord(word: string): number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    let parts = Array.from(word);
    for (;;) {
      let bestRank = Infinity;
      let bestAt = -1;
      for (let i = 0; i + 1 < parts.length; i++) {
        const rank = this.ranks.get(`${parts[i]} ${parts[i + 1]}`);
        if (rank !== undefined && rank < bestRank) [bestRank, bestAt] = [rank, i];
      }
      if (bestAt < 0) break;
      const [a, b] = [parts[bestAt], parts[bestAt + 1]];
      const merged: string[] = [];
      for (let i = 0; i < parts.length; i++) {
        if (i + 1 < parts.length && parts[i] === a && parts[i + 1] === b) merged.push(a + parts[++i]);
        else merged.push(parts[i]);
      }
      parts = merged;
    }
    const ids = parts.map((part) => this.idOf.get(part)!);
    this.cache.set(word, ids);
    return ids;
  }

  /** Splits text around special-token strings: [piece, isSpecial] in order. */
  private splitSpecial(text: string): [string, boolean][] {
    const out: [string, boolean][] = [];
    let rest = text;
    while (rest.length > 0) {
      let at = -1;
      let found = "";
      for (const token of this.specialTokens) {
        const i = rest.indexOf(token);
        if (i >= 0 && (at < 0 || i < at || (i === at && token.length > found.length)))
          [at, found] = [i, token];
      }
      if (at < 0) break;
      if (at > 0) out.push([rest.slice(0, at), false]);
      out.push([found, true]);
      rest = rest.slice(at + found.length);
    }
    if (rest.length > 0) out.push([rest, false]);
    return out;
  }
}
