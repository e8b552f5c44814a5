// Greedy decoding of many prompts for the evaluations (WILD answers, glue_eval generations): each
// prompt gets its own budget of new tokens; prompts with the same budget share left-padded
// generate calls of ≤ batchRows rows, longest first, so the work and its order depend only on the
// prompts. A prompt whose budget is < 1 is not generated (null).
import type { CausalLM } from "../models/causal-lm.js";
import { generate } from "../runtime/generate.js";

export interface GreedyBatchOptions {
  /** a row stops after producing one of these ids (kept in its output) */
  stopTokenIds?: readonly number[];
  padId?: number;
  /** prompts per generate call (default 32) */
  batchRows?: number;
  /** called after each generate call with the prompts done (skipped ones included) */
  onProgress?: (done: number, total: number) => void;
}

/** New token ids per prompt (null where the budget is < 1). */
export function greedyBatches(
  model: CausalLM,
  prompts: readonly (readonly number[])[],
  budgets: readonly number[],
  options: GreedyBatchOptions = {},
): (number[] | null)[] {
  const batchRows = options.batchRows ?? 32;
  if (!Number.isInteger(batchRows) || batchRows < 1)
    throw new Error(`batchRows must be a positive integer, got ${batchRows}`);
  const byBudget = new Map<number, number[]>();
  budgets.forEach((budget, i) => {
    if (budget >= 1) byBudget.set(budget, [...(byBudget.get(budget) ?? []), i]);
  });
  const outputs: (number[] | null)[] = prompts.map(() => null);
  let done = prompts.length - [...byBudget.values()].reduce((a, m) => a + m.length, 0);
  for (const [budget, members] of [...byBudget].sort((a, b) => a[0] - b[0])) {
    members.sort((a, b) => prompts[b].length - prompts[a].length || a - b);
    for (let first = 0; first < members.length; first += batchRows) {
      const chunk = members.slice(first, first + batchRows);
      const generated = generate(
        model,
        chunk.map((i) => prompts[i]),
        { maxNewTokens: budget, stopTokenIds: options.stopTokenIds, padId: options.padId },
      );
      chunk.forEach((i, b) => (outputs[i] = generated[b]));
      done += chunk.length;
      options.onProgress?.(done, prompts.length);
    }
  }
  return outputs;
}
