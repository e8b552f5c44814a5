// Representations at the fact token (kmeng01/rome repr_tools.get_reprs_at_word_tokens): batched
// forwards of many prompts that stop after the highest layer asked for and read, at each prompt's
// lookup token, the key (input of W_out) and/or the block output (the residual stream h^l). Under
// causal attention nothing after the lookup token changes them, so each prompt runs only up to it.
// LookupPasses can also keep the residual stream entering a layer, so that a later read on a model
// edited only at or above that layer starts there instead of at the embedding.
import type { CausalLM } from "../../models/causal-lm.js";
import type { Batch } from "../../models/types.js";
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

interface Chunk {
  /** index of the chunk's first prompt */
  first: number;
  prompts: readonly PromptAt[];
  batch: Batch;
  /** residual stream entering the kept layer (null: the embedding) */
  hidden: Float32Array | null;
}

export class LookupPasses {
  private readonly chunks: Chunk[] = [];
  /** the layer whose entering residual stream each chunk holds */
  private from = 0;

  constructor(
    private readonly model: CausalLM,
    private readonly prompts: readonly PromptAt[],
  ) {
    const length = (p: PromptAt) => p.lookup + 1;
    let start = 0;
    while (start < prompts.length) {
      let end = start + 1;
      let longest = length(prompts[start]);
      while (
        end < prompts.length &&
        Math.max(longest, length(prompts[end])) * (end + 1 - start) <= CHUNK_TOKENS
      ) {
        longest = Math.max(longest, length(prompts[end]));
        end++;
      }
      const chunk = prompts.slice(start, end);
      const batch = makeBatch(
        chunk.map((p) => p.ids.slice(0, length(p))),
        { padSide: "right" },
      );
      this.chunks.push({ first: start, prompts: chunk, batch, hidden: null });
      start = end;
    }
  }

  /**
   * Keys and block outputs at `layers` on the model as it is now, which must have the weights it
   * had below the kept layer when that was kept. With `keepFrom` (at least the kept layer, at most
   * one above the highest layer read), keeps the residual stream entering it for the next read.
   */
  read(layers: readonly number[], keepFrom?: number): LookupReprs {
    const wanted = [...new Set(layers)];
    const endLayer = Math.max(...wanted) + 1;
    const low = Math.min(...wanted);
    if (low < this.from)
      throw new Error(
        `lookup passes: layer ${low} is below the kept residual stream (entering layer ${this.from})`,
      );
    const keep = keepFrom ?? this.from;
    if (keep < this.from || keep > endLayer)
      throw new Error(
        `lookup passes: cannot keep layer ${keep} (reading layers ${this.from} to ${endLayer - 1})`,
      );
    const capture = keep > this.from ? [...wanted, keep - 1] : wanted;
    const C = this.model.config.hiddenSize;
    const keys = new Map<number, Float32Array>();
    const outs = new Map<number, Float32Array>();
    for (const chunk of this.chunks) {
      const { batch } = chunk;
      const start = chunk.hidden ? { start: { layer: this.from, hidden: chunk.hidden } } : {};
      const trace = this.model.forward(batch, { ...start, endLayer, logits: "none", captureLayers: capture });
      for (const layer of wanted) {
        const { out, key } = trace.layers[layer]!;
        const F = key.length / (batch.B * batch.T);
        if (!keys.has(layer)) {
          keys.set(layer, new Float32Array(this.prompts.length * F));
          outs.set(layer, new Float32Array(this.prompts.length * C));
        }
        chunk.prompts.forEach((p, i) => {
          const n = i * batch.T + p.lookup;
          keys.get(layer)!.set(key.subarray(n * F, n * F + F), (chunk.first + i) * F);
          outs.get(layer)!.set(out.subarray(n * C, n * C + C), (chunk.first + i) * C);
        });
      }
      if (keep > this.from) chunk.hidden = trace.layers[keep - 1]!.out;
    }
    this.from = keep;
    return { keys, outs };
  }
}

export function readAtLookups(
  model: CausalLM,
  prompts: readonly PromptAt[],
  layers: readonly number[],
): LookupReprs {
  return new LookupPasses(model, prompts).read(layers);
}
