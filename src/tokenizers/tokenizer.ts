// `Tokenizer`: locedit's wrapper over @huggingface/tokenizers for one model's tokenizer.json, with
// plain number[] ids, the BOS/EOS/pad ids the runtime needs, and strict id checks on decode.
// Build one with `loadTokenizer(dir)` (load-tokenizer.ts) or `tokenizerFromJson(...)` below.
import { createHash } from "node:crypto";
import { Tokenizer as HfTokenizer } from "@huggingface/tokenizers";
import { resolveSpecialTokenIds } from "./special-token-ids.js";
import { validateTokenizerJson } from "./tokenizer-files.js";

export interface EncodeOptions {
  /** Let the post-processor add its special tokens (Llama's BOS). Default true. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  /** Drop special tokens (BOS, EOS, `<|endoftext|>`, …) from the text. Default false. */
  skipSpecialTokens?: boolean;
  /**
   * Apply transformers' `clean_up_tokenization_spaces` (" ." → ".", " 's" → "'s", …). Default: the
   * tokenizer_config.json field, or false when the config does not set it (so decoding round trips).
   */
  cleanUpTokenizationSpaces?: boolean;
}

export class Tokenizer {
  /** File the tokenizer came from, for error messages. */
  readonly source: string;
  readonly bosTokenId: number | null;
  readonly eosTokenId: number | null;
  /** Never null: falls back to EOS (GPT-2 has no pad token), then BOS, then unk, then 0. */
  readonly padTokenId: number;
  /** One more than the largest token id, added tokens included: the embedding rows ids may index. */
  readonly vocabSize: number;
  /** sha256 of the tokenizer's definition (statistics keys depend on it); "" when built without one */
  readonly fingerprint: string;
  private readonly inner: HfTokenizer;
  private readonly specialIds: ReadonlySet<number>;

  constructor(
    inner: HfTokenizer,
    source: string,
    tokenizerConfig: Record<string, unknown>,
    configSource: string,
    fingerprint = "",
  ) {
    this.inner = inner;
    this.source = source;
    this.fingerprint = fingerprint;
    const added = [...inner.get_added_tokens_decoder().values()];
    this.specialIds = new Set(added.filter((token) => token.special).map((token) => token.id));
    let largestId = -1;
    for (const id of inner.get_vocab(true).values()) largestId = Math.max(largestId, id);
    this.vocabSize = largestId + 1;
    const special = resolveSpecialTokenIds(tokenizerConfig, (token) => this.tokenToId(token), configSource);
    this.bosTokenId = special.bosTokenId;
    this.eosTokenId = special.eosTokenId;
    this.padTokenId = special.padTokenId;
  }

  /** Token ids of `text`; special tokens spelled inside the text (e.g. "<|endoftext|>") become their ids. */
  encode(text: string, { addSpecialTokens = true }: EncodeOptions = {}): number[] {
    if (typeof text !== "string")
      throw new TypeError(`${this.source}: encode expects a string, got ${typeof text}`);
    return this.inner.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  /** Text of `ids`. Throws a RangeError naming the first id that is not an integer in [0, vocabSize). */
  decode(
    ids: readonly number[],
    { skipSpecialTokens = false, cleanUpTokenizationSpaces }: DecodeOptions = {},
  ): string {
    ids.forEach((id, position) => {
      if (
        !Number.isInteger(id) ||
        id < 0 ||
        id >= this.vocabSize ||
        this.inner.id_to_token(id) === undefined
      ) {
        throw new RangeError(
          `${this.source}: token id ${id} at position ${position} is not in the vocabulary (size ${this.vocabSize})`,
        );
      }
    });
    if (ids.length === 0) return "";
    return this.inner.decode([...ids], {
      skip_special_tokens: skipSpecialTokens,
      clean_up_tokenization_spaces: cleanUpTokenizationSpaces,
    });
  }

  /** Token strings of `text` as the model sees them (e.g. "ĠParis", "▁Th"), special tokens included. */
  tokenize(text: string, { addSpecialTokens = true }: EncodeOptions = {}): string[] {
    return this.inner.encode(text, { add_special_tokens: addSpecialTokens }).tokens;
  }

  /** Id of a token string (added tokens included), or undefined when it is not in the vocabulary. */
  tokenToId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }

  /** Token string of an id, or undefined when no token has that id. */
  idToToken(id: number): string | undefined {
    return this.inner.id_to_token(id);
  }

  /** Whether `id` is a special added token (BOS, EOS, `<|endoftext|>`, `<unk>`, …). */
  isSpecialTokenId(id: number): boolean {
    return this.specialIds.has(id);
  }
}

/**
 * Builds a Tokenizer from already-parsed tokenizer.json / tokenizer_config.json contents. `source`
 * names the tokenizer.json in errors. `clean_up_tokenization_spaces` defaults to false here, unlike
 * the library's default of true, so that decode(encode(text)) gives back `text`.
 */
export function tokenizerFromJson(
  tokenizerJson: unknown,
  tokenizerConfig: Record<string, unknown> = {},
  source = "tokenizer.json",
  configSource = "tokenizer_config.json",
): Tokenizer {
  const checked = validateTokenizerJson(tokenizerJson, source);
  let inner: HfTokenizer;
  try {
    inner = new HfTokenizer(checked, { clean_up_tokenization_spaces: false, ...tokenizerConfig });
  } catch (error) {
    throw new Error(
      `${source}: @huggingface/tokenizers could not build the tokenizer: ${(error as Error).message}`,
      { cause: error },
    );
  }
  const fingerprint = createHash("sha256")
    .update(JSON.stringify(tokenizerJson))
    .update("\n")
    .update(JSON.stringify(tokenizerConfig))
    .digest("hex");
  return new Tokenizer(inner, source, tokenizerConfig, configSource, fingerprint);
}
