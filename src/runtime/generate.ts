// Autoregressive generation: greedy (argmax) or seeded top-k sampling with temperature
// (Fan et al. 2018), several prompts at once with left padding. By default a KV cache makes each
// step cost one token per row: the left-padded prompts are prefilled in one call, then every
// step feeds each row's newest token (a finished row gets a masked pad). `useCache: false`
// re-runs the whole sequence each step instead (the reference the cache is tested against).
// Either way logits are computed only at each row's last position.
import type { CausalLM } from "../models/causal-lm.js";
import { createRng, type Rng } from "../util/random.js";
import { makeBatch } from "./batch.js";

export type Decoding = { kind: "greedy" } | { kind: "top-k"; k: number; seed: number; temperature?: number };

export interface GenerateOptions {
  maxNewTokens: number;
  decoding?: Decoding;
  /** stop a row once it produces one of these ids (the id is kept in the output) */
  stopTokenIds?: readonly number[];
  padId?: number;
  /** called after each step with the number of steps done */
  onStep?: (step: number, total: number) => void;
  /** incremental decoding with a KV cache (default true); false recomputes the whole sequence */
  useCache?: boolean;
}

/** Logits (B, V) at each row's last token, for the sequences as they stand after `step` steps. */
type NextLogits = (sequences: readonly number[][], step: number, done: readonly boolean[]) => Float32Array;

/** New token ids for each prompt (prompts are not repeated in the output). */
export function generate(
  model: CausalLM,
  prompts: readonly (readonly number[])[],
  options: GenerateOptions,
): number[][] {
  const decoding = options.decoding ?? { kind: "greedy" };
  if (!Number.isInteger(options.maxNewTokens) || options.maxNewTokens < 0)
    throw new Error(`maxNewTokens must be a non-negative integer, got ${options.maxNewTokens}`);
  if (decoding.kind === "top-k" && !(Number.isInteger(decoding.k) && decoding.k >= 1))
    throw new Error(`top-k needs an integer k ≥ 1, got ${decoding.k}`);
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new Error(`prompt ${i} is empty: give at least one token (e.g. BOS)`);
  });
  const longest = Math.max(...prompts.map((p) => p.length)) + options.maxNewTokens;
  const limit = model.arch.positionLimit;
  if (limit && longest > limit.positions)
    throw new Error(
      `prompt plus ${options.maxNewTokens} new tokens (${longest}) exceeds the model's ${limit.positions} positions (${limit.why})`,
    );
  const rng = decoding.kind === "top-k" ? createRng(decoding.seed) : null;
  const stop = new Set(options.stopTokenIds ?? []);
  const padId = options.padId ?? 0;
  const sequences = prompts.map((p) => [...p]);
  const outputs: number[][] = prompts.map(() => []);
  const done = prompts.map(() => false);
  const V = model.config.vocabSize;
  const nextLogits =
    options.useCache === false
      ? recomputeEachStep(model, padId)
      : cachedSteps(model, prompts.length, longest, padId);
  for (let step = 0; step < options.maxNewTokens && done.includes(false); step++) {
    const logits = nextLogits(sequences, step, done);
    sequences.forEach((seq, b) => {
      if (done[b]) return;
      const row = logits.subarray(b * V, (b + 1) * V);
      const next =
        decoding.kind === "greedy"
          ? argmax(row)
          : sampleTopK(row, decoding.k, decoding.temperature ?? 1, rng!);
      seq.push(next);
      outputs[b].push(next);
      if (stop.has(next)) done[b] = true;
    });
    options.onStep?.(step + 1, options.maxNewTokens);
  }
  return outputs;
}

/** The whole left-padded batch through the model at every step. */
function recomputeEachStep(model: CausalLM, padId: number): NextLogits {
  return (sequences) => {
    const batch = makeBatch(sequences, { padId, padSide: "left" });
    const rows = sequences.map((_, row) => ({ row, position: batch.T - 1 }));
    return model.forward(batch, { logits: rows }).logits;
  };
}

/**
 * Step 0 prefills a cache sized for the whole run with the left-padded prompts; each later step
 * feeds every row's newest token, a masked pad for finished rows (their logits are unused).
 */
function cachedSteps(model: CausalLM, B: number, capacity: number, padId: number): NextLogits {
  const cache = model.newKVCache(B, capacity);
  return (sequences, step, done) => {
    if (step === 0) {
      const { ids, mask, T } = makeBatch(sequences, { padId, padSide: "left" });
      return model.forwardIncremental({ B, T, ids, mask }, cache).logits;
    }
    const ids = Int32Array.from(sequences, (seq, b) => (done[b] ? padId : seq[seq.length - 1]));
    const mask = Uint8Array.from(done, (d) => (d ? 0 : 1));
    return model.forwardIncremental({ B, T: 1, ids, mask }, cache).logits;
  };
}

export function argmax(row: Float32Array): number {
  let best = 0;
  for (let v = 1; v < row.length; v++) if (row[v] > row[best]) best = v;
  return best;
}

/** Samples from softmax(logits / temperature) restricted to the k largest logits. */
export function sampleTopK(row: Float32Array, k: number, temperature: number, rng: Rng): number {
  if (!(temperature > 0)) throw new Error(`temperature must be positive, got ${temperature}`);
  const top = topIndices(row, Math.min(k, row.length));
  const max = row[top[0]];
  const weights = top.map((v) => Math.exp((row[v] - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.next() * total;
  for (let i = 0; i < top.length; i++) {
    u -= weights[i];
    if (u < 0) return top[i];
  }
  return top[top.length - 1];
}

/**
 * Indices of the k largest entries, largest first, ties by lower index (the order a full sort
 * gives), by insertion into a k-long list: O(V·k) at worst, one comparison per entry in practice,
 * instead of sorting the whole vocabulary at every sampled step.
 */
export function topIndices(row: Float32Array, k: number): number[] {
  const top: number[] = [];
  for (let v = 0; v < row.length; v++) {
    const x = row[v];
    if (top.length === k && !(x > row[top[k - 1]])) continue;
    let i = top.length < k ? top.push(v) - 1 : k - 1;
    while (i > 0 && row[top[i - 1]] < x) {
      top[i] = top[i - 1];
      i--;
    }
    top[i] = v;
  }
  return top;
}
