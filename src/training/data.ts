// Training data: each document becomes one example, its tokens followed by the end-of-text token,
// starting at position 0 (no BOS), exactly as `tokenizer.encode(prompt)` presents a prompt later,
// so facts are learned in the context they are queried in. Per-document rows padded to the longest
// in the batch (rather than packed windows) for that reason; the documents are short sentences, so
// little compute goes to padding. A document longer than seqLen + 1 tokens is cut into windows
// that overlap by one token, so every next-token target is trained once.
// Order (DataOrder below): drawn from (seed, epoch) alone, so the batch of any step is a pure
// function of the seed and the step: resuming needs no generator state.
import type { LogitPosition } from "../models/causal-lm.js";
import type { Batch } from "../models/types.js";
import { makeBatch } from "../runtime/batch.js";
import { createRng, type Rng } from "../util/random.js";

/** Token ids of each document with `eosId` appended, cut to at most seqLen + 1 tokens per example. */
export function tokenizeDocuments(
  documents: readonly string[],
  encode: (text: string) => number[],
  eosId: number,
  seqLen: number,
): Int32Array[] {
  const examples: Int32Array[] = [];
  for (const doc of documents) {
    const ids = [...encode(doc), eosId];
    if (ids.length < 2) continue; // an empty document predicts nothing
    for (let start = 0; start + 1 < ids.length; start += seqLen)
      examples.push(Int32Array.from(ids.slice(start, start + seqLen + 1)));
  }
  return examples;
}

/** 32-bit seed of one epoch's permutation. */
function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca77) ^ 0x5eed) >>> 0;
}

/** Batches sorted by length together: this many batches' worth of examples at a time. */
export const BUCKET_BATCHES = 32;

/**
 * Which examples each step trains on. Every epoch: a seeded permutation of the examples (the
 * remainder below a whole batch is left out, a different one each epoch), cut into windows of
 * BUCKET_BATCHES batches; inside a window examples are sorted by length before being cut into
 * batches, so rows of a batch have similar lengths and little compute goes to padding; then the
 * epoch's batches are shuffled.
 */
export class DataOrder {
  readonly batchesPerEpoch: number;
  readonly rowsPerBatch: number;
  private cachedEpoch = -1;
  private batches: number[][] = [];

  constructor(
    readonly lengths: readonly number[],
    readonly batchSize: number,
    readonly seed: number,
  ) {
    if (lengths.length === 0) throw new Error("no training examples: every document is empty");
    this.rowsPerBatch = Math.min(batchSize, lengths.length);
    this.batchesPerEpoch = Math.floor(lengths.length / this.rowsPerBatch);
  }

  /** Example indices of step `step` (0-based). */
  batchAt(step: number): number[] {
    const epoch = Math.floor(step / this.batchesPerEpoch);
    if (epoch !== this.cachedEpoch) {
      this.batches = this.epochBatches(epoch);
      this.cachedEpoch = epoch;
    }
    return this.batches[step % this.batchesPerEpoch];
  }

  private epochBatches(epoch: number): number[][] {
    const rng = createRng(epochSeed(this.seed, epoch));
    const order = shuffle(
      Array.from(this.lengths, (_, i) => i),
      rng,
    );
    const B = this.rowsPerBatch;
    const used = order.slice(0, this.batchesPerEpoch * B);
    const batches: number[][] = [];
    for (let start = 0; start < used.length; start += B * BUCKET_BATCHES) {
      const window = used.slice(start, start + B * BUCKET_BATCHES);
      window.sort((a, b) => this.lengths[a] - this.lengths[b] || a - b);
      for (let i = 0; i < window.length; i += B) batches.push(window.slice(i, i + B));
    }
    return shuffle(batches, rng);
  }
}

/** Fisher–Yates, in place. */
function shuffle<T>(items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

export interface TrainingBatch {
  batch: Batch;
  /** every (row, position) whose next token is a target */
  positions: LogitPosition[];
  /** (M) next-token targets, in the order of `positions` */
  targets: Int32Array;
}

/** Inputs = each example without its last token, targets = without its first; right padding. */
export function makeTrainingBatch(examples: readonly Int32Array[], padId: number): TrainingBatch {
  const batch = makeBatch(
    examples.map((ex) => Array.from(ex.subarray(0, ex.length - 1))),
    { padId, padSide: "right" },
  );
  const positions: LogitPosition[] = [];
  const targets: number[] = [];
  examples.forEach((ex, row) => {
    for (let t = 0; t + 1 < ex.length; t++) {
      positions.push({ row, position: t });
      targets.push(ex[t + 1]);
    }
  });
  return { batch, positions, targets: Int32Array.from(targets) };
}
