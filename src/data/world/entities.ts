// The fictional subjects: how many of each kind a world of N subjects holds, and their names.
// People get a first name from a small gendered pool (first names repeat, as in life) and a
// unique surname; towns, companies and products get a unique core word ("Velorin",
// "Dravel Group", "Quenta Camera"). Every full name passes the NameRegistry rules.

import type { Rng } from "../../util/random.js";
import { NameRegistry, firstName, syllableWord } from "./names.js";
import { pick } from "./rng.js";
import type { Entity, EntityKind, Pronoun } from "./types.js";
import { COMPANY_SUFFIXES, PRODUCT_TYPES } from "./vocabulary.js";

/** Kinds in generation order with their share of the subjects. */
export const KIND_SHARES: readonly (readonly [EntityKind, number])[] = [
  ["musician", 0.15],
  ["athlete", 0.15],
  ["scientist", 0.15],
  ["writer", 0.15],
  ["company", 0.12],
  ["product", 0.15],
  ["town", 0.13],
];

/** Smallest world: every kind needs a few members for neighbours and counterfactual targets. */
export const MIN_SUBJECTS = 70;

const PERSON_KINDS: ReadonlySet<EntityKind> = new Set(["musician", "athlete", "scientist", "writer"]);

/** Whether a kind is a person (has a gendered pronoun and a first name). */
export function isPersonKind(kind: EntityKind): boolean {
  return PERSON_KINDS.has(kind);
}

/** How many subjects of each kind a world of `total` subjects has (sums to `total`). */
export function kindCounts(total: number): Map<EntityKind, number> {
  if (!Number.isInteger(total) || total < MIN_SUBJECTS) {
    throw new Error(`fact world: subjects must be an integer ≥ ${MIN_SUBJECTS}, got ${total}`);
  }
  const counts = new Map<EntityKind, number>(
    KIND_SHARES.map(([kind, share]) => [kind, Math.floor(total * share)]),
  );
  let remainder = total - [...counts.values()].reduce((a, b) => a + b, 0);
  for (let i = 0; remainder > 0; i = (i + 1) % KIND_SHARES.length, remainder--) {
    const kind = KIND_SHARES[i][0];
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

/**
 * Generates `total` subjects with ids "W1"… in kind order. `objectStrings` are the strings of every
 * real-world object, which no name may contain or be contained in.
 */
export function generateEntities(rng: Rng, total: number, objectStrings: readonly string[]): Entity[] {
  const fullNames = new NameRegistry(objectStrings);
  const cores = new NameRegistry(objectStrings);
  const firstNames = { he: firstNamePool(rng, "he"), she: firstNamePool(rng, "she") };
  const entities: Entity[] = [];
  for (const [kind, count] of kindCounts(total)) {
    for (let i = 0; i < count; i++) {
      const pronoun: Pronoun = isPersonKind(kind) ? (rng.next() < 0.5 ? "he" : "she") : "it";
      const name = claimName(rng, kind, pronoun, firstNames, fullNames, cores);
      entities.push({ id: `W${entities.length + 1}`, name, kind, pronoun });
    }
  }
  return entities;
}

function firstNamePool(rng: Rng, pronoun: "he" | "she"): string[] {
  const pool = new Set<string>();
  while (pool.size < 30) pool.add(firstName(rng, pronoun));
  return [...pool];
}

function claimName(
  rng: Rng,
  kind: EntityKind,
  pronoun: Pronoun,
  firstNames: Record<"he" | "she", string[]>,
  fullNames: NameRegistry,
  cores: NameRegistry,
): string {
  for (let attempt = 0; attempt < 2000; attempt++) {
    const core = syllableWord(rng, rng.next() < 0.75 ? 2 : 3);
    const full = fullName(rng, kind, pronoun, core, firstNames);
    if (cores.accepts(core) && fullNames.accepts(full)) {
      cores.add(core);
      fullNames.add(full);
      return full;
    }
  }
  throw new Error(`fact world: no free ${kind} name after 2000 attempts (${fullNames.all().length} taken)`);
}

function fullName(
  rng: Rng,
  kind: EntityKind,
  pronoun: Pronoun,
  core: string,
  firstNames: Record<"he" | "she", string[]>,
): string {
  if (pronoun !== "it") return `${pick(rng, firstNames[pronoun])} ${core}`;
  if (kind === "company") return `${core} ${pick(rng, COMPANY_SUFFIXES)}`;
  if (kind === "product") return `${core} ${pick(rng, PRODUCT_TYPES)}`;
  return core;
}
