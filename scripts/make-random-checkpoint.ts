// Streams a random-weight checkpoint of a real model's shape to disk without holding it in memory
// (issue 12 §1: peak-memory measurements at real sizes): the published config.json of GPT2-XL
// (F32, one file), GPT-J-6B (F16, one file) or Llama3-8B (BF16, 5 GB shards with
// model.safetensors.index.json), every tensor written 1 M values at a time from a seeded generator
// (matrices uniform with std 0.02, norm weights 1, biases 0), and a tokenizer of exactly the
// config's vocabulary: GPT-2's (test/fixtures/tokenizers/gpt2, 50257 tokens), extended for GPT-J
// (50400) and Llama3-8B (128256) with tokens `<|extra_N|>` that no merge produces (like GPT-J's own
// padding tokens), so every id a random model can emit decodes. The Llama shape thus reads text with
// GPT-2's merges and <|endoftext|> (50256) as BOS/EOS: the shapes, not the text, are what it is for.
//   node dist/scripts/make-random-checkpoint.js --shape llama3-8b --out /work/bigmodels/llama3-8b
//        [--dtype F32|F16|BF16] [--layers N] [--max-shard-bytes N] [--seed S]
// --layers N keeps the shape but only N layers (a scaled-down model for the bench).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { publishDirectoryAtomicSync, writeFileAtomic } from "../src/io/atomic.js";
import { writeCheckpoint } from "../src/io/checkpoint-write.js";
import { float32BitsToBfloat16Bits, float32BitsToFloat16Bits, type WritableDtype } from "../src/io/dtypes.js";
import type { TensorData, TensorsToWrite } from "../src/io/safetensors-write.js";
import { architectureFor } from "../src/models/architecture.js";
import { parseModelConfig } from "../src/models/hf-config.js";
import { sizeOf, storedShape } from "../src/models/param-spec.js";
import { initKind } from "../src/models/random-weights.js";
import { packageRoot } from "../src/util/package-root.js";

const TOKENIZERS = join(packageRoot(), "test", "fixtures", "tokenizers");

/** The published configs (Hugging Face hub: gpt2-xl, EleutherAI/gpt-j-6b, meta-llama/Meta-Llama-3-8B). */
export const SHAPES = {
  "gpt2-xl": {
    dtype: "F32",
    tokenizer: "gpt2",
    maxShardBytes: Infinity,
    config: {
      architectures: ["GPT2LMHeadModel"],
      model_type: "gpt2",
      vocab_size: 50257,
      n_positions: 1024,
      n_ctx: 1024,
      n_embd: 1600,
      n_layer: 48,
      n_head: 25,
      n_inner: null,
      activation_function: "gelu_new",
      layer_norm_epsilon: 1e-5,
      bos_token_id: 50256,
      eos_token_id: 50256,
      torch_dtype: "float32",
    },
  },
  "gpt-j-6b": {
    dtype: "F16",
    tokenizer: "gpt2",
    maxShardBytes: Infinity,
    config: {
      architectures: ["GPTJForCausalLM"],
      model_type: "gptj",
      vocab_size: 50400,
      n_positions: 2048,
      n_embd: 4096,
      n_layer: 28,
      n_head: 16,
      rotary_dim: 64,
      n_inner: null,
      activation_function: "gelu_new",
      layer_norm_epsilon: 1e-5,
      tie_word_embeddings: false,
      bos_token_id: 50256,
      eos_token_id: 50256,
      torch_dtype: "float16",
    },
  },
  "llama3-8b": {
    dtype: "BF16",
    tokenizer: "gpt2",
    maxShardBytes: 5_000_000_000,
    config: {
      architectures: ["LlamaForCausalLM"],
      model_type: "llama",
      vocab_size: 128256,
      hidden_size: 4096,
      intermediate_size: 14336,
      num_hidden_layers: 32,
      num_attention_heads: 32,
      num_key_value_heads: 8,
      max_position_embeddings: 8192,
      rms_norm_eps: 1e-5,
      rope_theta: 500000,
      rope_scaling: null,
      attention_bias: false,
      mlp_bias: false,
      hidden_act: "silu",
      tie_word_embeddings: false,
      bos_token_id: 50256, // the tokenizer's <|endoftext|> (Meta-Llama-3-8B: 128000 / 128001)
      eos_token_id: 50256,
      torch_dtype: "bfloat16",
    },
  },
} as const;

export type ShapeName = keyof typeof SHAPES;

const CHUNK = 1 << 20;

/** `count` values uniform in [−a, a) with std `std`, as `dtype`, a chunk at a time (xorshift32). */
function* randomChunks(
  count: number,
  dtype: WritableDtype,
  std: number,
  seed: number,
): Generator<TensorData> {
  let state = seed >>> 0 || 1;
  const half = std * Math.sqrt(3);
  const values = new Float32Array(Math.min(CHUNK, count));
  const bits = new Uint32Array(values.buffer);
  const narrow = new Uint16Array(values.length);
  for (let done = 0; done < count; done += values.length) {
    const n = Math.min(values.length, count - done);
    for (let i = 0; i < n; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      values[i] = ((state >>> 0) / 4294967296 - 0.5) * 2 * half;
    }
    if (dtype === "F32") {
      yield values.subarray(0, n);
      continue;
    }
    const to16 = dtype === "BF16" ? float32BitsToBfloat16Bits : float32BitsToFloat16Bits;
    for (let i = 0; i < n; i++) narrow[i] = to16(bits[i]);
    yield { dtype, bits: narrow.subarray(0, n) };
  }
}

/** Constant chunks (norm weights 1, biases 0) in `dtype`. */
function* constantChunks(count: number, dtype: WritableDtype, value: number): Generator<TensorData> {
  const values = new Float32Array(Math.min(CHUNK, count)).fill(value);
  for (let done = 0; done < count; done += values.length)
    yield values.subarray(0, Math.min(values.length, count - done));
  void dtype;
}

/** The fixture tokenizer's tokenizer.json with its BPE vocabulary padded to `vocabSize` by unreachable tokens. */
function tokenizerWithVocab(name: string, vocabSize: number): string {
  const json = JSON.parse(readFileSync(join(TOKENIZERS, name, "tokenizer.json"), "utf8")) as {
    model: { vocab: Record<string, number> };
    added_tokens: { id: number }[];
  };
  const used = Math.max(...Object.values(json.model.vocab), ...json.added_tokens.map((t) => t.id)) + 1;
  if (used > vocabSize)
    throw new Error(`${name} tokenizer has ${used} ids, more than the vocabulary's ${vocabSize}`);
  for (let id = used; id < vocabSize; id++) json.model.vocab[`<|extra_${id - used}|>`] = id;
  return JSON.stringify(json);
}

export interface RandomCheckpointOptions {
  dtype?: WritableDtype;
  /** keep only this many layers (scaled-down models) */
  layers?: number;
  maxShardBytes?: number;
  seed?: number;
}

/** Writes the random checkpoint of `shape` into `out` (atomically); returns the bytes of tensor data. */
export function writeRandomCheckpoint(
  shape: ShapeName,
  out: string,
  options: RandomCheckpointOptions = {},
): number {
  const recipe = SHAPES[shape];
  const dtype = options.dtype ?? recipe.dtype;
  const hf: Record<string, unknown> = { ...recipe.config };
  if (options.layers !== undefined)
    hf[hf.n_layer !== undefined ? "n_layer" : "num_hidden_layers"] = options.layers;
  hf.torch_dtype = { F32: "float32", F16: "float16", BF16: "bfloat16" }[dtype];
  const config = parseModelConfig(hf, shape);
  const tensors: TensorsToWrite = {};
  let bytes = 0;
  architectureFor(config).specs.forEach((spec, index) => {
    if (spec.tiedTo) return;
    const count = sizeOf(spec.shape);
    const kind = initKind(spec.name);
    const seed = (options.seed ?? 1) * 7919 + index;
    tensors[spec.name] = {
      dtype,
      shape: storedShape(spec),
      data: {
        chunks: () =>
          kind === "random"
            ? randomChunks(count, dtype, 0.02, seed)
            : constantChunks(count, dtype, kind === "ones" ? 1 : 0),
      },
    };
    bytes += count * (dtype === "F32" ? 4 : 2);
  });
  publishDirectoryAtomicSync(out, (staging) => {
    writeCheckpoint(staging, tensors, {
      maxShardBytes:
        options.maxShardBytes ?? (Number.isFinite(recipe.maxShardBytes) ? recipe.maxShardBytes : bytes + 1),
      metadata: { format: "pt" },
    });
    writeFileAtomic(join(staging, "config.json"), `${JSON.stringify(hf, null, 2)}\n`);
    writeFileAtomic(join(staging, "tokenizer.json"), tokenizerWithVocab(recipe.tokenizer, config.vocabSize));
  });
  return bytes;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      shape: { type: "string" },
      out: { type: "string" },
      dtype: { type: "string" },
      layers: { type: "string" },
      "max-shard-bytes": { type: "string" },
      seed: { type: "string" },
    },
  });
  const shape = values.shape as ShapeName;
  if (!(shape in SHAPES) || !values.out) {
    console.error(
      `usage: make-random-checkpoint --shape ${Object.keys(SHAPES).join("|")} --out DIR [--dtype F32|F16|BF16] [--layers N] [--max-shard-bytes N] [--seed S]`,
    );
    process.exit(2);
  }
  if (existsSync(values.out)) throw new Error(`--out ${values.out} already exists`);
  const started = Date.now();
  const bytes = writeRandomCheckpoint(shape, values.out, {
    dtype: values.dtype as WritableDtype | undefined,
    layers: values.layers === undefined ? undefined : Number(values.layers),
    maxShardBytes: values["max-shard-bytes"] === undefined ? undefined : Number(values["max-shard-bytes"]),
    seed: values.seed === undefined ? undefined : Number(values.seed),
  });
  console.log(
    `wrote ${values.out}: ${(bytes / 1e9).toFixed(2)} GB of ${shape} tensors in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop()!)) main();
