// Writes the bundled default model models/tiny-random-llama: a 2-layer Llama with seeded random
// weights and the small synthetic Llama-3-style tokenizer of test/fixtures/tokenizers. It knows
// nothing; it exists so that every command can be tried offline right after cloning.
// Regenerate: `node dist/scripts/make-tiny-random-model.js [OUT_DIR]` (deterministic).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseModelConfig } from "../src/models/hf-config.js";
import { CausalLM } from "../src/models/causal-lm.js";
import { randomParams } from "../src/models/random-weights.js";
import { saveModel } from "../src/models/save.js";
import { packageRoot } from "../src/util/package-root.js";

const root = packageRoot();
const out = process.argv[2] ?? join(root, "models", "tiny-random-llama");
const tokenizerDir = join(root, "test", "fixtures", "tokenizers", "llama3-tiny");

// The vocabulary and special ids follow the tokenizer, so the two always agree.
const tokenizer = JSON.parse(readFileSync(join(tokenizerDir, "tokenizer.json"), "utf8")) as {
  model: { vocab: Record<string, number> };
  added_tokens: { id: number; content: string }[];
};
const ids = [...Object.values(tokenizer.model.vocab), ...tokenizer.added_tokens.map((t) => t.id)];
const special = (content: string) => {
  const token = tokenizer.added_tokens.find((t) => t.content === content);
  if (!token) throw new Error(`${tokenizerDir}: no ${content} token`);
  return token.id;
};

const TINY_RANDOM_LLAMA = {
  architectures: ["LlamaForCausalLM"],
  model_type: "llama",
  vocab_size: Math.max(...ids) + 1,
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  head_dim: 8,
  max_position_embeddings: 128,
  rms_norm_eps: 1e-6,
  rope_theta: 10000,
  rope_scaling: null,
  attention_bias: false,
  mlp_bias: false,
  hidden_act: "silu",
  tie_word_embeddings: false,
  bos_token_id: special("<|begin_of_text|>"),
  eos_token_id: special("<|end_of_text|>"),
  torch_dtype: "float32",
};

const config = parseModelConfig(TINY_RANDOM_LLAMA, "tiny-random-llama");
const model = new CausalLM(config, randomParams(config, { seed: 20261125, std: 0.3 }));
saveModel(model, out, {
  hfConfig: TINY_RANDOM_LLAMA,
  copyFilesFrom: tokenizerDir,
});
console.log(`wrote ${out}`);
