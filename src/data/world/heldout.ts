// Held-out (subject, phrasing) pairs. Every relation has at least MIN_PHRASINGS phrasings, and each
// fact holds out HELDOUT_PER_FACT of them for its own subject: those are never used to state
// anything about that subject in a training document or the statistics corpus. Within a relation,
// the facts (in world order) cycle through every HELDOUT_PER_FACT-subset of the phrasings in a
// seeded order, so each phrasing is held out for about HELDOUT_PER_FACT / n of the relation's
// subjects (2 of 5 with five phrasings) and trained for all the others. A model can then learn
// every phrasing from other subjects, and a held-out pair measures whether it reads a fact it
// learned in some phrasings out through another.

import type { Rng } from "../../util/random.js";
import { shuffled } from "./rng.js";
import type { Fact, Relation } from "./types.js";

/** Phrasings held out per fact (CounterFact's two paraphrase prompts). */
export const HELDOUT_PER_FACT = 2;
/** Fewest phrasings a relation may have: most of them must stay trained for every subject. */
export const MIN_PHRASINGS = 5;

/** Every `k`-subset of 0…n−1 as an ascending list, in lexicographic order. */
export function indexSubsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (let first = 0; first <= n - k; first++) {
    for (const rest of indexSubsets(n - first - 1, k - 1))
      out.push([first, ...rest.map((i) => i + first + 1)]);
  }
  return out;
}

/** The facts with their `heldout` phrasings chosen (see the file comment); deterministic in `rng`. */
export function holdOutPhrasings(
  rng: Rng,
  facts: readonly Omit<Fact, "heldout">[],
  relations: readonly Relation[],
): Fact[] {
  const cycles = new Map<string, { subsets: number[][]; next: number }>();
  for (const relation of relations) {
    if (relation.templates.length < MIN_PHRASINGS) {
      throw new Error(
        `fact world: relation ${relation.id} has ${relation.templates.length} phrasings, needs ≥ ${MIN_PHRASINGS}`,
      );
    }
    const subsets = shuffled(rng, indexSubsets(relation.templates.length, HELDOUT_PER_FACT));
    cycles.set(relation.id, { subsets, next: rng.int(subsets.length) });
  }
  return facts.map((fact) => {
    const cycle = cycles.get(fact.relationId);
    if (cycle === undefined) throw new Error(`fact world: unknown relation ${fact.relationId}`);
    const heldout = [...cycle.subsets[cycle.next++ % cycle.subsets.length]];
    return { ...fact, heldout };
  });
}
