// A GPT-2-style tokenizer for a training corpus: byte-level BPE learned from the documents
// (bpe-trainer.ts), one special token `<|endoftext|>` (BOS, EOS and padding, as in GPT-2), written
// as a standard Hugging Face tokenizer.json (src/tokenizers/byte-level-bpe-json.ts: ByteLevel
// pre-tokenizer with the GPT-2 regex, BPE model, ByteLevel decoder) plus tokenizer_config.json,
// which `loadTokenizer` reads.
import { byteLevelBpeTokenizerJson } from "../tokenizers/byte-level-bpe-json.js";
import { ByteLevelBpe } from "./bpe-encoder.js";
import { trainByteLevelBpe } from "./bpe-trainer.js";

export const END_OF_TEXT = "<|endoftext|>";

export interface BuiltTokenizer {
  encoder: ByteLevelBpe;
  /** file name → contents: tokenizer.json and tokenizer_config.json */
  files: Record<string, string>;
}

export interface TokenizerBuildOptions {
  /** total vocabulary: BPE tokens plus `<|endoftext|>` */
  vocabSize: number;
  /** longest sequence the model will take (tokenizer_config's model_max_length) */
  modelMaxLength?: number;
}

/** Trains the BPE on `documents` and returns the encoder with its Hugging Face files. */
export function buildTokenizer(documents: readonly string[], options: TokenizerBuildOptions): BuiltTokenizer {
  const bpe = trainByteLevelBpe(documents, { vocabSize: options.vocabSize - 1 });
  const encoder = new ByteLevelBpe(bpe, [END_OF_TEXT]);
  return { encoder, files: tokenizerFiles(encoder, options.modelMaxLength) };
}

/** tokenizer.json and tokenizer_config.json for a byte-level BPE with GPT-2's conventions. */
export function tokenizerFiles(encoder: ByteLevelBpe, modelMaxLength = 1024): Record<string, string> {
  const tokenizerJson = byteLevelBpeTokenizerJson({
    vocab: Object.fromEntries(encoder.bpe.tokens.map((token, id) => [token, id])),
    merges: encoder.bpe.merges,
    specialTokens: encoder.specialTokens.map((content) => ({ id: encoder.specialId(content), content })),
  });
  const tokenizerConfig = {
    tokenizer_class: "GPT2Tokenizer",
    bos_token: END_OF_TEXT,
    eos_token: END_OF_TEXT,
    unk_token: END_OF_TEXT,
    pad_token: null,
    add_bos_token: false,
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
    model_max_length: modelMaxLength,
  };
  return {
    "tokenizer.json": JSON.stringify(tokenizerJson, null, 2) + "\n",
    "tokenizer_config.json": JSON.stringify(tokenizerConfig, null, 2) + "\n",
  };
}
