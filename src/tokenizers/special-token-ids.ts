// Resolves the BOS, EOS and padding token ids of a tokenizer from tokenizer_config.json, falling
// back to the conventional special tokens of GPT-2 and Llama 2/3 when the config says nothing.
// A config field set to null means "this tokenizer has no such token"; an absent field means
// "not stated", which is when the fallbacks apply.

/** The special-token ids a model runtime needs. */
export interface SpecialTokenIds {
  bosTokenId: number | null;
  eosTokenId: number | null;
  /** Never null: padding positions are masked out, so any valid id works (pad → eos → bos → unk → 0). */
  padTokenId: number;
}

const BOS_CANDIDATES = ["<|begin_of_text|>", "<s>", "<|endoftext|>", "<bos>"];
const EOS_CANDIDATES = ["<|end_of_text|>", "</s>", "<|endoftext|>", "<eos>"];
const UNK_CANDIDATES = ["<unk>", "<|endoftext|>"];

/**
 * Reads a token field of tokenizer_config.json: a string, an AddedToken-like `{ content }` object,
 * null (explicitly none) or undefined (absent).
 */
export function configTokenContent(
  config: Record<string, unknown>,
  field: string,
  source: string,
): string | null | undefined {
  const value = config[field];
  if (value === undefined || value === null) return value;
  if (typeof value === "string") return value;
  if (typeof value === "object" && typeof (value as { content?: unknown }).content === "string") {
    return (value as { content: string }).content;
  }
  throw new Error(`${source}: ${field} must be a string, a {"content": string} object or null`);
}

/**
 * Resolves the special-token ids. `tokenToId` looks a token up in the full vocabulary (added tokens
 * included); `configSource` names tokenizer_config.json in errors.
 */
export function resolveSpecialTokenIds(
  config: Record<string, unknown>,
  tokenToId: (token: string) => number | undefined,
  configSource: string,
): SpecialTokenIds {
  const resolve = (field: string, candidates: readonly string[]): number | null => {
    const content = configTokenContent(config, field, configSource);
    if (content === null) return null;
    if (content === undefined) {
      for (const candidate of candidates) {
        const id = tokenToId(candidate);
        if (id !== undefined) return id;
      }
      return null;
    }
    const id = tokenToId(content);
    if (id === undefined) {
      throw new Error(
        `${configSource}: ${field} ${JSON.stringify(content)} is not in the tokenizer vocabulary`,
      );
    }
    return id;
  };
  const bosTokenId = resolve("bos_token", BOS_CANDIDATES);
  const eosTokenId = resolve("eos_token", EOS_CANDIDATES);
  const padTokenId =
    resolve("pad_token", []) ?? eosTokenId ?? bosTokenId ?? resolve("unk_token", UNK_CANDIDATES) ?? 0;
  return { bosTokenId, eosTokenId, padTokenId };
}
