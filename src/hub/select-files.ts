// Which files of a model repository locedit reads, and nothing else: the config, generation
// config and tokenizer files, and the safetensors weights — `model.safetensors`, or
// `model.safetensors.index.json` plus exactly the shards its weight_map names (repos often also
// hold PyTorch .bin copies, a consolidated.safetensors, ONNX or GGUF exports: none are fetched).
import { INDEX_FILE_NAME, SINGLE_FILE_NAME } from "../io/checkpoint.js";
import { CONFIG_FILE_NAME } from "../models/hf-config.js";

/** Read when present: generation defaults and the tokenizer (tokenizer.json is what locedit loads). */
export const OPTIONAL_FILES = [
  "generation_config.json",
  "tokenizer.json",
  "tokenizer_config.json",
  "special_tokens_map.json",
];

export interface FileSelection {
  /** config and tokenizer files, fetched first */
  small: string[];
  /** the weights: model.safetensors alone, or the index (its shards follow from its weight_map) */
  weights: { single: string } | { index: string };
  /** notes for the user (e.g. no tokenizer.json) */
  warnings: string[];
}

/** Chooses files from a repository listing; throws naming the repo when the weights are unusable. */
export function selectFiles(names: ReadonlySet<string>, where: string): FileSelection {
  if (!names.has(CONFIG_FILE_NAME)) throw new Error(`${where}: no ${CONFIG_FILE_NAME} in the repository`);
  const small = [CONFIG_FILE_NAME, ...OPTIONAL_FILES.filter((name) => names.has(name))];
  const warnings = names.has("tokenizer.json")
    ? []
    : [`${where} has no tokenizer.json: generate, logprob and edit need one in the folder`];
  if (names.has(SINGLE_FILE_NAME)) return { small, weights: { single: SINGLE_FILE_NAME }, warnings };
  if (names.has(INDEX_FILE_NAME)) return { small, weights: { index: INDEX_FILE_NAME }, warnings };
  const others = [...names].filter((n) => /\.(bin|pt|pth|gguf|safetensors)$/.test(n));
  const found = others.length
    ? ` (it holds ${others.slice(0, 3).join(", ")}${others.length > 3 ? ", …" : ""})`
    : "";
  throw new Error(
    `${where}: no ${SINGLE_FILE_NAME} or ${INDEX_FILE_NAME}${found}; locedit reads safetensors checkpoints only`,
  );
}

/** The shard files an index's weight_map names, in order; throws naming the index at fault. */
export function shardsOfIndex(text: string, where: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${where}: invalid JSON (${(error as Error).message})`, { cause: error });
  }
  const map = (parsed as { weight_map?: unknown } | null)?.weight_map;
  if (typeof map !== "object" || map === null || Array.isArray(map))
    throw new Error(`${where}: expected an object with a "weight_map" of tensor name → shard file`);
  const shards = new Set<string>();
  for (const [tensor, shard] of Object.entries(map)) {
    if (typeof shard !== "string" || !/^[\w.-]+\.safetensors$/.test(shard) || shard.startsWith("."))
      throw new Error(
        `${where}: weight_map[${JSON.stringify(tensor)}] must name a .safetensors file, got ${JSON.stringify(shard)}`,
      );
    shards.add(shard);
  }
  if (shards.size === 0) throw new Error(`${where}: weight_map is empty`);
  return [...shards].sort();
}
