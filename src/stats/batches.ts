// Batches for the statistics pass (ROME/MEMIT layer_stats' dataloader, packed by tokens): the
// samples are taken in windows of `windowSamples` consecutive samples; inside a window they are
// sorted by token count (longest first, ties by corpus order) and packed greedily into right-
// padded batches of at most `batchTokens` padded tokens, so little compute goes to padding. The
// plan depends only on the samples, maxLen, batchTokens and windowSamples, which makes a batch's
// (window, index in window) a stable resume point.
import type { Batch } from "../models/types.js";
import { makeBatch } from "../runtime/batch.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { corpusSamples, type CorpusSample } from "./corpus.js";

export interface BatchPlan {
  /** samples in the plan, from sample `first` on */
  samples: number;
  /** index of the first sample (a multiple of windowSamples; absent: 0) */
  first?: number;
  maxLen: number;
  batchTokens: number;
  windowSamples: number;
}

/** A point in the plan: the next batch to run is batch `batch` of window `window`. */
export interface PlanCursor {
  window: number;
  batch: number;
  /** batches before this point, over all windows */
  ordinal: number;
  /** samples in those batches */
  samplesDone: number;
}

export interface StatsBatch {
  batch: Batch;
  /** the corpus sample behind each batch row */
  rows: CorpusSample[];
  /** non-pad tokens */
  tokens: number;
  /** where this batch sits in the plan */
  cursor: PlanCursor;
}

export const START: PlanCursor = { window: 0, batch: 0, ordinal: 0, samplesDone: 0 };

/** The cursor before a plan's first batch: the window holding its first sample. */
export function planStart(plan: BatchPlan): PlanCursor {
  return { ...START, window: Math.floor((plan.first ?? 0) / plan.windowSamples) };
}

/** Token ids of a sample as the model sees them: the tokenizer's special tokens, truncated to maxLen. */
export function sampleTokens(tokenizer: Tokenizer, sample: CorpusSample, maxLen: number): number[] {
  const ids = tokenizer.encode(sample.text);
  if (ids.length === 0) throw new Error(`${sample.file}:${sample.line}: sample tokenizes to no token`);
  return ids.length > maxLen ? ids.slice(0, maxLen) : ids;
}

/** Groups of row indices, longest rows first, each within `batchTokens` padded tokens. */
export function packRows(lengths: readonly number[], batchTokens: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  const groups: number[][] = [];
  let current: number[] = [];
  for (const row of order) {
    const T = current.length > 0 ? lengths[current[0]] : lengths[row];
    if (current.length > 0 && (current.length + 1) * T > batchTokens) {
      groups.push(current);
      current = [];
    }
    current.push(row);
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * The plan's batches from `from` on (earlier windows are read but not tokenized, earlier batches
 * of `from`'s window are skipped); start from planStart(plan) for a plan that does not begin at
 * sample 0. Windows are aligned to multiples of windowSamples from the corpus's first sample.
 */
export function* planBatches(
  files: readonly string[],
  tokenizer: Tokenizer,
  plan: BatchPlan,
  from: PlanCursor = START,
): Generator<StatsBatch> {
  let window: CorpusSample[] = [];
  let windowIndex = 0;
  const cursor = { ...from };
  const end = (plan.first ?? 0) + plan.samples;
  for (const sample of corpusSamples(files)) {
    if (sample.index >= end) break;
    if (windowIndex >= from.window) window.push(sample);
    if ((sample.index + 1) % plan.windowSamples !== 0 && sample.index + 1 < end) continue;
    if (windowIndex >= from.window) yield* windowBatches(window, tokenizer, plan, windowIndex, cursor, from);
    window = [];
    windowIndex++;
  }
}

function* windowBatches(
  window: CorpusSample[],
  tokenizer: Tokenizer,
  plan: BatchPlan,
  windowIndex: number,
  cursor: PlanCursor,
  from: PlanCursor,
): Generator<StatsBatch> {
  const tokens = window.map((sample) => sampleTokens(tokenizer, sample, plan.maxLen));
  const groups = packRows(
    tokens.map((ids) => ids.length),
    plan.batchTokens,
  );
  const firstBatch = windowIndex === from.window ? from.batch : 0;
  for (let b = firstBatch; b < groups.length; b++) {
    const rows = groups[b];
    const here = { window: windowIndex, batch: b, ordinal: cursor.ordinal, samplesDone: cursor.samplesDone };
    const batch = makeBatch(
      rows.map((r) => tokens[r]),
      { padId: tokenizer.padTokenId, padSide: "right" },
    );
    yield {
      batch,
      rows: rows.map((r) => window[r]),
      tokens: batch.mask.reduce((a, m) => a + m, 0),
      cursor: here,
    };
    cursor.ordinal++;
    cursor.samplesDone += rows.length;
  }
}

/** The cursor just after `done`. */
export function cursorAfter(done: StatsBatch): PlanCursor {
  const { window, batch, ordinal, samplesDone } = done.cursor;
  return { window, batch: batch + 1, ordinal: ordinal + 1, samplesDone: samplesDone + done.rows.length };
}
