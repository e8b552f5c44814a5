// Random-weight GPT-2 models and batches for the benchmark, built in memory: every parameter the
// architecture loads (specs without `tiedTo`) filled with N(0, 0.02²) values, biases and norms
// included, in locedit's [out, in] layout. Values do not change the cost of a pass, so tensors
// are tiled from one pool of normal samples at random offsets: normal marginals at memcpy speed
// (124M Box–Muller draws take tens of seconds on a busy machine).
import type { Rng } from "../src/util/random.js";
import { architectureFor } from "../src/models/architecture.js";
import { CausalLM } from "../src/models/causal-lm.js";
import type { Gpt2Config } from "../src/models/config.js";
import { sizeOf } from "../src/models/param-spec.js";
import type { Batch } from "../src/models/types.js";
import { createRng } from "../src/util/random.js";

/** GPT-2 small (124M): the shape of the official `gpt2` checkpoint. */
export const GPT2_124M: Gpt2Config = {
  arch: "gpt2",
  vocabSize: 50257,
  hiddenSize: 768,
  numLayers: 12,
  numHeads: 12,
  intermediateSize: 3072,
  maxPositions: 1024,
  tieWordEmbeddings: true,
  layerNormEpsilon: 1e-5,
};

/** Pool length: a prime, so tiles of power-of-two tensors do not line up with each other. */
const POOL_SIZE = 1_000_003;
let pool: Float32Array | null = null;

/** Fills `out` with N(0, std²) values: the shared pool, scaled, from a random offset, wrapping. */
export function fillNormalFast(out: Float32Array, std: number, rng: Rng): Float32Array {
  pool ??= createRng(2024).fillNormal(new Float32Array(POOL_SIZE));
  let from = rng.int(POOL_SIZE);
  for (let done = 0; done < out.length;) {
    const count = Math.min(out.length - done, POOL_SIZE - from);
    out.set(pool.subarray(from, from + count), done);
    done += count;
    from = 0;
  }
  for (let i = 0; i < out.length; i++) out[i] *= std;
  return out;
}

/** Random parameters (std 0.02) for every non-tied spec of `config`, keyed by canonical name. */
export function randomParams(config: Gpt2Config, seed = 1234): Map<string, Float32Array> {
  const rng = createRng(seed);
  const params = new Map<string, Float32Array>();
  for (const spec of architectureFor(config).specs) {
    if (spec.tiedTo) continue;
    params.set(spec.name, fillNormalFast(new Float32Array(sizeOf(spec.shape)), 0.02, rng));
  }
  return params;
}

/** Number of float32 parameters that are stored (tied ones counted once). */
export function parameterCount(config: Gpt2Config): number {
  return architectureFor(config)
    .specs.filter((spec) => !spec.tiedTo)
    .reduce((total, spec) => total + sizeOf(spec.shape), 0);
}

export function randomModel(config: Gpt2Config, seed = 1234): CausalLM {
  return new CausalLM(config, randomParams(config, seed));
}

/** A full (unpadded) B×T batch of random token ids with positions 0..T−1. */
export function randomBatch(B: number, T: number, vocabSize: number, seed = 99): Batch {
  const rng = createRng(seed);
  const N = B * T;
  const ids = new Int32Array(N);
  const positions = new Int32Array(N);
  for (let n = 0; n < N; n++) {
    ids[n] = rng.int(vocabSize);
    positions[n] = n % T;
  }
  return { B, T, ids, mask: new Uint8Array(N).fill(1), positions };
}
