// Reads and validates a Hugging Face tokenizer folder: `tokenizer.json` (required) and
// `tokenizer_config.json` (optional). Only BPE models are accepted (GPT-2, GPT-J, Llama 2/3);
// every error names the file and the field at fault.
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { causeOf } from "../io/fs-errors.js";
import { isPlainObject } from "../io/json-values.js";

/** The parsed files of one tokenizer folder, checked enough for @huggingface/tokenizers to load them. */
export interface TokenizerFiles {
  /** Where the files came from, for error messages. */
  source: string;
  tokenizerJson: TokenizerJson;
  /** Contents of tokenizer_config.json, or {} when the folder has none. */
  tokenizerConfig: Record<string, unknown>;
}

/** The fields of tokenizer.json that locedit itself reads. */
export interface TokenizerJson {
  model: { type?: string; vocab: Record<string, number>; merges: unknown[]; [key: string]: unknown };
  added_tokens: { id: number; content: string; special?: boolean; [key: string]: unknown }[];
  [key: string]: unknown;
}

export const TOKENIZER_JSON = "tokenizer.json";
export const TOKENIZER_CONFIG_JSON = "tokenizer_config.json";

async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`${path}: cannot read the tokenizer file: ${causeOf(error)}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
}

async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Checks the parsed tokenizer.json: an object with a BPE `model` (vocab object + merges array) and an
 * `added_tokens` array (defaulted to [] when absent). Old files without `model.type` count as BPE
 * when they have merges. Returns the same object, typed.
 */
export function validateTokenizerJson(value: unknown, source: string): TokenizerJson {
  if (!isPlainObject(value)) throw new Error(`${source}: expected a JSON object at the top level`);
  const model = value.model;
  if (!isPlainObject(model)) throw new Error(`${source}: missing "model" object`);
  const type = model.type ?? ("merges" in model ? "BPE" : undefined);
  if (type !== "BPE") {
    throw new Error(
      `${source}: model.type ${JSON.stringify(model.type ?? null)} is not supported ` +
        `(expected "BPE", the model of GPT-2, GPT-J and Llama tokenizers)`,
    );
  }
  if (!isPlainObject(model.vocab)) throw new Error(`${source}: model.vocab must be an object of token → id`);
  if (!Array.isArray(model.merges)) throw new Error(`${source}: model.merges must be an array`);
  const addedTokens = value.added_tokens ?? [];
  if (!Array.isArray(addedTokens)) throw new Error(`${source}: added_tokens must be an array`);
  addedTokens.forEach((token: unknown, i) => {
    if (!isPlainObject(token) || !Number.isInteger(token.id) || typeof token.content !== "string") {
      throw new Error(`${source}: added_tokens[${i}] must have an integer "id" and a string "content"`);
    }
  });
  return { ...value, model: model as TokenizerJson["model"], added_tokens: addedTokens } as TokenizerJson;
}

/** Reads `<dir>/tokenizer.json` and, if present, `<dir>/tokenizer_config.json`. */
export async function readTokenizerFiles(dir: string): Promise<TokenizerFiles> {
  const tokenizerPath = join(dir, TOKENIZER_JSON);
  if (!(await fileExists(tokenizerPath))) {
    throw new Error(`${dir}: no ${TOKENIZER_JSON} (expected a Hugging Face tokenizer file in this folder)`);
  }
  const tokenizerJson = validateTokenizerJson(await readJsonFile(tokenizerPath), tokenizerPath);
  const configPath = join(dir, TOKENIZER_CONFIG_JSON);
  let tokenizerConfig: Record<string, unknown> = {};
  if (await fileExists(configPath)) {
    const config = await readJsonFile(configPath);
    if (!isPlainObject(config)) throw new Error(`${configPath}: expected a JSON object at the top level`);
    tokenizerConfig = config;
  }
  return { source: tokenizerPath, tokenizerJson, tokenizerConfig };
}
