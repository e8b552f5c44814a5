// Builds a Hugging Face `tokenizer.json` object (the `tokenizers` library's serialisation, version
// "1.0") for a GPT-2-style byte-level BPE: no normalizer; ByteLevel pre-tokenizer, post-processor
// and decoder (GPT-2 regex, no prefix space, offsets trimmed); a BPE model with no unknown token,
// dropout, subword prefix/suffix or byte fallback; the special tokens as added tokens. Used for
// GPT-2's own files (scripts/fixtures/make-gpt2-tokenizer.ts) and for tokenizers trained on a
// corpus (src/training/tokenizer-builder.ts); `tokenizerFromJson` reads what it returns.

export interface ByteLevelBpeSpecialToken {
  id: number;
  content: string;
}

export interface ByteLevelBpeTokenizerJsonOptions {
  /** token → id, serialised in this object's key order */
  vocab: Readonly<Record<string, number>>;
  /** merges in rank order: "a b" lines (GPT-2's vocab.bpe) or [a, b] pairs, written as given */
  merges: readonly string[] | readonly (readonly [string, string])[];
  /** added tokens, all special and matched on normalized text, in this order */
  specialTokens?: readonly ByteLevelBpeSpecialToken[];
}

/** The tokenizer.json object (stringify it as compact or indented JSON as the caller needs). */
export function byteLevelBpeTokenizerJson(options: ByteLevelBpeTokenizerJsonOptions): object {
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: (options.specialTokens ?? []).map(({ id, content }) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: true,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: byteLevel,
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: "",
      end_of_word_suffix: "",
      fuse_unk: false,
      byte_fallback: false,
      vocab: options.vocab,
      merges: options.merges,
    },
  };
}
