// `loadTokenizer(dir)`: the entry point that turns a local Hugging Face model folder's
// tokenizer.json (+ optional tokenizer_config.json) into a locedit `Tokenizer`.
import { join } from "node:path";
import { Tokenizer, tokenizerFromJson } from "./tokenizer.js";
import { readTokenizerFiles, TOKENIZER_CONFIG_JSON } from "./tokenizer-files.js";

/** Loads the tokenizer of the model folder `dir`. Errors name the folder or file at fault. */
export async function loadTokenizer(dir: string): Promise<Tokenizer> {
  const { source, tokenizerJson, tokenizerConfig } = await readTokenizerFiles(dir);
  return tokenizerFromJson(tokenizerJson, tokenizerConfig, source, join(dir, TOKENIZER_CONFIG_JSON));
}
