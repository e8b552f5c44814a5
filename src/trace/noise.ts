// The corruption of causal tracing (Meng et al., "Locating and Editing Factual Associations in GPT",
// NeurIPS 2022, §2.1; kmeng01/rome experiments/causal_trace.py): Gaussian noise of standard
// deviation ν added to the token embeddings of the subject, in every corrupted run. The reference
// sets ν = 3σ with σ the standard deviation of the subjects' token embeddings (collect_embedding_std:
// every element of the embedding rows of the subjects' tokens, unbiased), and draws the noise from a
// fixed seed so that every restoration sees the same corrupted runs.
import type { CausalLM } from "../models/causal-lm.js";
import { createRng } from "../util/random.js";

/** ν = NOISE_FACTOR · σ by default, as the reference. */
export const NOISE_FACTOR = 3;

/** σ: unbiased standard deviation of every element of the token-embedding rows of `tokenIds`. */
export function embeddingStd(model: CausalLM, tokenIds: readonly number[]): number {
  if (tokenIds.length === 0) throw new Error("embeddingStd: no subject tokens to measure");
  const wte = model.param(model.arch.embedding.tokens);
  const C = model.config.hiddenSize;
  let sum = 0;
  let sumSq = 0;
  for (const id of tokenIds) {
    if (!(Number.isInteger(id) && id >= 0 && id < model.config.vocabSize))
      throw new Error(`embeddingStd: token id ${id} is outside the vocabulary (${model.config.vocabSize})`);
    for (let c = 0; c < C; c++) {
      const v = wte[id * C + c];
      sum += v;
      sumSq += v * v;
    }
  }
  const n = tokenIds.length * C;
  const mean = sum / n;
  return Math.sqrt(Math.max(0, (sumSq - n * mean * mean) / (n - 1)));
}

/**
 * Noise for `samples` corrupted rows over the subject tokens [start, end): (samples, end − start, C)
 * values of N(0, ν²), drawn in that order from `seed`; the same seed gives the same noise.
 */
export function subjectNoise(
  samples: number,
  span: { start: number; end: number },
  C: number,
  std: number,
  seed: number,
): Float32Array {
  return createRng(seed).fillNormal(new Float32Array(samples * (span.end - span.start) * C), 0, std);
}
