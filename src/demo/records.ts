// Which CounterFact records the demo edits: the first `count`, or a seeded random choice.
import type { CounterFactRecord } from "../data/counterfact/record.js";
import { createRng } from "../util/random.js";

/** `count` records of `all` in file order: the first ones, or with `seed` a random choice. */
export function pickRecords(
  all: readonly CounterFactRecord[],
  count: number,
  seed: number | undefined,
  source: string,
): CounterFactRecord[] {
  if (!Number.isInteger(count) || count < 1)
    throw new Error(`record count must be a positive integer, got ${count}`);
  if (all.length < count)
    throw new Error(`${source}: ${all.length} records, fewer than the ${count} asked for`);
  if (seed === undefined) return all.slice(0, count);
  // Partial Fisher–Yates: the first `count` slots of a seeded shuffle of the indices.
  const rng = createRng(seed);
  const indices = all.map((_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(indices.length - i);
    [indices[i], indices[j]] = [indices[j], indices[i]];
  }
  return indices
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => all[i]);
}
