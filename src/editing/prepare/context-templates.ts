// Context templates (kmeng01/memit memit_main.py get_context_templates; kmeng01/rome
// rome_main.py): short prefixes sampled from the model itself, each followed by ". {}", so that
// keys and δ generalise beyond the bare prompt. MEMIT-style: [["{}"], [5 × 10-token samples after
// "The", "Therefore", "Because", "I", "You"]]; ROME-style: "{}" and samples after the BOS/EOS token,
// averaged flat. Sampling is top-k 5 (generate_fast), seeded here so runs are reproducible.
import type { CausalLM } from "../../models/causal-lm.js";
import { generate } from "../../runtime/generate.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";

export const MEMIT_STARTERS = ["The", "Therefore", "Because", "I", "You"];

export interface ContextTemplateOptions {
  /** [[total tokens incl. the starter, count], ...]: MEMIT [[10, 5]], ROME [[5, 10], [10, 10]] */
  lengthParams: readonly (readonly [number, number])[];
  /** "memit": count/5 samples per starter word, one group per length; "rome": samples after BOS, one group per template */
  style: "memit" | "rome";
  seed: number;
}

/** Removes braces (they would be read as placeholders), as the reference does. */
function clean(text: string): string {
  return text.replace(/[{}]/g, " ");
}

function sample(
  model: CausalLM,
  tokenizer: Tokenizer,
  prompts: number[][],
  length: number,
  seed: number,
): string[] {
  const out = generate(model, prompts, {
    maxNewTokens: Math.max(0, length - Math.min(...prompts.map((p) => p.length))),
    decoding: { kind: "top-k", k: 5, seed },
    padId: tokenizer.padTokenId ?? 0,
  });
  return out.map((ids, i) => clean(tokenizer.decode([...prompts[i], ...ids], { skipSpecialTokens: true })));
}

/** Template groups; the first group is always ["{}"]. */
export function sampleContextTemplates(
  model: CausalLM,
  tokenizer: Tokenizer,
  { lengthParams, style, seed }: ContextTemplateOptions,
): string[][] {
  const groups: string[][] = [["{}"]];
  lengthParams.forEach(([length, count], index) => {
    if (count <= 0) return;
    let prompts: number[][];
    if (style === "memit") {
      const perStarter = Math.max(1, Math.floor(count / MEMIT_STARTERS.length));
      prompts = MEMIT_STARTERS.flatMap((word) =>
        Array.from({ length: perStarter }, () => tokenizer.encode(word)),
      );
    } else {
      const start = tokenizer.bosTokenId ?? tokenizer.eosTokenId;
      if (start === null)
        throw new Error("ROME's context templates start from BOS/EOS, but the tokenizer has neither");
      prompts = Array.from({ length: count }, () => [start]);
    }
    const texts = sample(model, tokenizer, prompts, length, seed + index).map((t) => `${t.trim()}. {}`);
    if (style === "memit") groups.push(texts);
    else for (const t of texts) groups.push([t]);
  });
  return groups;
}
