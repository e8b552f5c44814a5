// How close a generation's discrete decisions came to flipping. Two float32 paths to the same
// logits (KV cache vs recomputation, a padded batch vs one row, another GEMM kernel) agree only
// to rounding, so equal token ids are guaranteed only where every decision has a margin well above
// that rounding. These helpers replay a generation on each row alone with full forwards (a third,
// independent path) and return the smallest margin, so a test can assert the margin before it
// asserts equal ids.
import type { CausalLM } from "../../src/models/causal-lm.js";
import { makeBatch } from "../../src/runtime/batch.js";
import type { Decoding } from "../../src/runtime/generate.js";
import { topIndices } from "../../src/runtime/generate.js";
import { createRng } from "../../src/util/random.js";

/**
 * Logits differ between paths by a few float32 ulps of their magnitude (≲ 1e-5 relative,
 * test/models/incremental.test.ts); a decision is safe when its margin is ≥ 1e-4: the top-1 vs
 * top-2 logit gap (greedy, top-k membership) or the sampled uniform's distance to the chosen token's
 * probability interval (top-k, in probability units).
 */
export const SAFE_MARGIN = 1e-4;

function nextLogits(model: CausalLM, seq: readonly number[]): Float32Array {
  const V = model.config.vocabSize;
  const { logits } = model.forward(makeBatch([seq]), { logits: [{ row: 0, position: seq.length - 1 }] });
  return logits.subarray(0, V);
}

/** Gap between the largest and second largest entry. */
function topGap(row: Float32Array): number {
  const [a, b] = topIndices(row, 2);
  return row[a] - row[b];
}

/**
 * The smallest decision margin of `outputs` (generate's result for `prompts`): greedy, the top-1
 * gap at every step; top-k, the k-th vs (k+1)-th gap and the distance of u·total to the chosen
 * token's cumulative-weight interval (over total), with u replayed from the seed in generate's
 * order (one draw per unfinished row per step).
 */
export function smallestMargin(
  model: CausalLM,
  prompts: readonly (readonly number[])[],
  outputs: readonly (readonly number[])[],
  decoding: Decoding = { kind: "greedy" },
  stopTokenIds: readonly number[] = [],
): number {
  const rng = decoding.kind === "top-k" ? createRng(decoding.seed) : null;
  const steps = Math.max(...outputs.map((o) => o.length));
  let smallest = Infinity;
  for (let step = 0; step < steps; step++)
    outputs.forEach((out, b) => {
      if (step >= out.length || out.slice(0, step).some((id) => stopTokenIds.includes(id))) return;
      const row = nextLogits(model, [...prompts[b], ...out.slice(0, step)]);
      if (decoding.kind === "greedy") {
        smallest = Math.min(smallest, topGap(row));
        return;
      }
      const temperature = decoding.temperature ?? 1;
      const top = topIndices(row, Math.min(decoding.k + 1, row.length));
      if (top.length > decoding.k)
        smallest = Math.min(smallest, row[top[decoding.k - 1]] - row[top[decoding.k]]);
      const weights = top.slice(0, decoding.k).map((v) => Math.exp((row[v] - row[top[0]]) / temperature));
      const total = weights.reduce((a, w) => a + w, 0);
      const u = rng!.next() * total;
      const chosen = top.indexOf(out[step]);
      const below = weights.slice(0, chosen).reduce((a, w) => a + w, 0);
      smallest = Math.min(smallest, (u - below) / total, (below + weights[chosen] - u) / total);
    });
  return smallest;
}
