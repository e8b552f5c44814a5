// A complete tiny model folder for CLI tests, written into a temp dir: a random-weight Llama
// (vocab 390, 2 layers) with the synthetic Llama-3-style tokenizer from test/fixtures/tokenizers.
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeCheckpoint } from "../../src/io/checkpoint-write.js";
import { parseModelConfig } from "../../src/io/config.js";
import { architectureFor } from "../../src/models/architecture.js";
import { sizeOf } from "../../src/models/param-spec.js";
import { createRng } from "../../src/util/random.js";
import { repoRoot } from "../models/golden-helpers.js";

export const CLI = join(repoRoot, "dist", "src", "cli", "main.js");

const HF_CONFIG = {
  model_type: "llama",
  vocab_size: 390,
  hidden_size: 32,
  intermediate_size: 64,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  num_key_value_heads: 2,
  max_position_embeddings: 128,
  rms_norm_eps: 1e-6,
  rope_theta: 10000,
  hidden_act: "silu",
  tie_word_embeddings: false,
  bos_token_id: 387,
  eos_token_id: 388,
};

export function makeCliModel(): string {
  const dir = mkdtempSync(join(tmpdir(), "locedit-cli-"));
  writeFileSync(join(dir, "config.json"), JSON.stringify(HF_CONFIG, null, 2));
  const config = parseModelConfig(HF_CONFIG, "cli fixture");
  const rng = createRng(1234);
  const tensors: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  for (const spec of architectureFor(config).specs) {
    if (spec.tiedTo) continue;
    const isNorm = spec.shape.length === 1;
    const data = rng.fillNormal(new Float32Array(sizeOf(spec.shape)), isNorm ? 1 : 0, isNorm ? 0.05 : 0.3);
    tensors[spec.name] = { dtype: "F32", shape: spec.shape, data };
  }
  writeCheckpoint(dir, tensors);
  const tokenizerDir = join(repoRoot, "test", "fixtures", "tokenizers", "llama3-tiny");
  for (const file of ["tokenizer.json", "tokenizer_config.json"])
    copyFileSync(join(tokenizerDir, file), join(dir, file));
  return dir;
}
