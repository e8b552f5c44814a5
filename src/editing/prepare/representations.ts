// Representations at the fact token (kmeng01/rome repr_tools.get_reprs_at_word_tokens): one batched
// forward of many prompts that stops after the highest layer asked for and reads, at each prompt's
// lookup token, the key (input of W_out) and/or the block output (the residual stream h^l).
import type { CausalLM } from "../../models/causal-lm.js";
import { makeBatch } from "../../runtime/batch.js";
import type { PromptAt } from "./prepared-request.js";

export interface LookupReprs {
  /** layer → (P, d_ff) keys at the lookups */
  keys: Map<number, Float32Array>;
  /** layer → (P, d_model) block outputs at the lookups */
  outs: Map<number, Float32Array>;
}

/** Most tokens one forward processes here; larger prompt sets run in chunks. */
const CHUNK_TOKENS = 8192;

export function readAtLookups(
  model: CausalLM,
  prompts: readonly PromptAt[],
  layers: readonly number[],
): LookupReprs {
  const wanted = [...new Set(layers)];
  const endLayer = Math.max(...wanted) + 1;
  const C = model.config.hiddenSize;
  const keys = new Map<number, Float32Array>();
  const outs = new Map<number, Float32Array>();
  let start = 0;
  while (start < prompts.length) {
    let end = start + 1;
    let longest = prompts[start].ids.length;
    while (
      end < prompts.length &&
      Math.max(longest, prompts[end].ids.length) * (end + 1 - start) <= CHUNK_TOKENS
    ) {
      longest = Math.max(longest, prompts[end].ids.length);
      end++;
    }
    const chunk = prompts.slice(start, end);
    const batch = makeBatch(
      chunk.map((p) => p.ids),
      { padSide: "right" },
    );
    const trace = model.forward(batch, { endLayer, logits: "none", captureLayers: wanted });
    for (const layer of wanted) {
      const { out, key } = trace.layers[layer]!;
      const F = key.length / (batch.B * batch.T);
      if (!keys.has(layer)) {
        keys.set(layer, new Float32Array(prompts.length * F));
        outs.set(layer, new Float32Array(prompts.length * C));
      }
      chunk.forEach((p, i) => {
        const n = i * batch.T + p.lookup;
        keys.get(layer)!.set(key.subarray(n * F, n * F + F), (start + i) * F);
        outs.get(layer)!.set(out.subarray(n * C, n * C + C), (start + i) * C);
      });
    }
    start = end;
  }
  return { keys, outs };
}
