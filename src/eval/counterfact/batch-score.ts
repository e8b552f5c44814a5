// Batched teacher-forced scoring of many (prompt, target) pairs: for each pair
// log p(target | prompt) = Σ_i log p(t_i | prompt, t_<i), its mean per-token NLL (what the
// ROME/MEMIT reference's `test_batch_prediction` calls "probs") and whether every target token is
// the argmax of its logits (the reference's `*_prompts_correct`). Target tokens are the suffix of
// encode(prompt + target) after encode(prompt), as in runtime/score.ts.
//
// Exact savings over one forward per pair: a pair needs the row prompt + target[0 … n−2]; a row
// that is a prefix of another row is read from the longer one (the model is causal and right
// padding keeps positions from 0), so the two targets of a prompt share one row whenever the
// shorter needs no more than the common prefix (always, for one-token targets). Rows are sorted
// by length and run in chunks of ≤ batchRows with logits only at the positions read.
import type { CausalLM } from "../../models/causal-lm.js";
import { makeBatch } from "../../runtime/batch.js";
import { encodeContinuation } from "../../runtime/score.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";

export interface TokenPair {
  promptIds: readonly number[];
  targetIds: readonly number[];
}

export interface TextPair {
  prompt: string;
  target: string;
}

export interface PairScore {
  /** Σ_i log p(t_i | prompt, t_<i) */
  logprob: number;
  /** mean per-token negative log-likelihood: −logprob / tokens */
  nll: number;
  /** number of target tokens */
  tokens: number;
  /** every target token is the argmax of its teacher-forced logits (greedy decoding gives it) */
  argmaxCorrect: boolean;
}

export interface BatchScoreOptions {
  /** rows per forward (default 64) */
  batchRows?: number;
  /** id written into padding (any valid id: padding is masked); default 0 */
  padId?: number;
  /** called after each forward with the rows done and the rows in all */
  onProgress?: (done: number, total: number) => void;
}

/** Where a pair's tokens sit: its row and the position of its prompt's last token. */
interface Placement {
  row: number;
  start: number;
}

/** One row per sequence that is not a prefix of another; each pair placed in the row holding it. */
function placeRows(pairs: readonly TokenPair[]): { rows: number[][]; placements: Placement[] } {
  const sequences = pairs.map((p) => [...p.promptIds, ...p.targetIds.slice(0, -1)]);
  const order = sequences.map((_, i) => i).sort((a, b) => sequences[b].length - sequences[a].length || a - b);
  const rowOfPrefix = new Map<string, number>();
  const rows: number[][] = [];
  const placements: Placement[] = new Array(pairs.length);
  for (const i of order) {
    const seq = sequences[i];
    let row = rowOfPrefix.get(seq.join(","));
    if (row === undefined) {
      row = rows.length;
      rows.push(seq);
      let key = "";
      for (let t = 0; t < seq.length; t++) {
        key = t === 0 ? String(seq[0]) : `${key},${seq[t]}`;
        if (!rowOfPrefix.has(key)) rowOfPrefix.set(key, row);
      }
    }
    placements[i] = { row, start: pairs[i].promptIds.length - 1 };
  }
  return { rows, placements };
}

/** log p of `id` and whether it is the argmax, for one logits row (reductions in float64). */
class LogitsRow {
  private logZ = NaN;
  private best = -1;
  constructor(
    private readonly logits: Float32Array,
    private readonly offset: number,
    private readonly V: number,
  ) {}

  private reduce(): void {
    const { logits, offset, V } = this;
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[offset + v] > logits[offset + best]) best = v;
    const max = logits[offset + best];
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[offset + v] - max);
    this.logZ = max + Math.log(sum);
    this.best = best;
  }

  logprob(id: number): number {
    if (this.best < 0) this.reduce();
    return this.logits[this.offset + id] - this.logZ;
  }

  isArgmax(id: number): boolean {
    if (this.best < 0) this.reduce();
    return id === this.best; // the first maximum, as torch's argmax and generate's argmax
  }
}

/** Scores every pair of token ids; one forward per chunk of ≤ batchRows distinct rows. */
export function scoreTokenPairs(
  model: CausalLM,
  pairs: readonly TokenPair[],
  options: BatchScoreOptions = {},
): PairScore[] {
  const batchRows = options.batchRows ?? 64;
  if (!Number.isInteger(batchRows) || batchRows < 1)
    throw new Error(`batchRows must be a positive integer, got ${batchRows}`);
  const V = model.config.vocabSize;
  pairs.forEach((p, i) => {
    if (p.promptIds.length === 0) throw new Error(`pair ${i}: the prompt has no tokens`);
    if (p.targetIds.length === 0) throw new Error(`pair ${i}: the target has no tokens`);
    for (const id of p.targetIds)
      if (!Number.isInteger(id) || id < 0 || id >= V)
        throw new Error(`pair ${i}: target token id ${id} is outside the vocabulary (size ${V})`);
  });
  const { rows, placements } = placeRows(pairs);
  const pairsOfRow: number[][] = rows.map(() => []);
  placements.forEach((p, i) => pairsOfRow[p.row].push(i));
  const scores: PairScore[] = new Array(pairs.length);
  for (let first = 0; first < rows.length; first += batchRows) {
    const chunk = rows.slice(first, first + batchRows);
    const batch = makeBatch(chunk, { padId: options.padId ?? 0 });
    // Distinct (row, position) whose logits some pair of the chunk reads.
    const logitIndex = new Map<number, number>();
    const wanted: { row: number; position: number }[] = [];
    const indexOf = (row: number, position: number) => {
      const key = row * batch.T + position;
      let index = logitIndex.get(key);
      if (index === undefined) {
        index = wanted.length;
        logitIndex.set(key, index);
        wanted.push({ row, position });
      }
      return index;
    };
    const reads = chunk.map((_, r) =>
      pairsOfRow[first + r].map((i) => pairs[i].targetIds.map((_, j) => indexOf(r, placements[i].start + j))),
    );
    const { logits } = model.forward(batch, { logits: wanted });
    const logitRows = wanted.map((_, m) => new LogitsRow(logits, m * V, V));
    chunk.forEach((_, r) =>
      pairsOfRow[first + r].forEach((i, k) => {
        const targetIds = pairs[i].targetIds;
        let logprob = 0;
        let argmaxCorrect = true;
        targetIds.forEach((id, j) => {
          const row = logitRows[reads[r][k][j]];
          logprob += row.logprob(id);
          argmaxCorrect &&= row.isArgmax(id);
        });
        scores[i] = { logprob, nll: -logprob / targetIds.length, tokens: targetIds.length, argmaxCorrect };
      }),
    );
    options.onProgress?.(Math.min(first + batchRows, rows.length), rows.length);
  }
  return scores;
}

/** Tokenizes each (prompt, target) like encodeContinuation, then scores them in batches. */
export function scoreTextPairs(
  model: CausalLM,
  tokenizer: Tokenizer,
  pairs: readonly TextPair[],
  options: BatchScoreOptions = {},
): PairScore[] {
  const tokenPairs = pairs.map((p) => encodeContinuation(tokenizer, p.prompt, p.target));
  return scoreTokenPairs(model, tokenPairs, { padId: tokenizer.padTokenId, ...options });
}
