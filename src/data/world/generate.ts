// The public entry of the fact world: generateWorld(seed) builds entities, relations, facts and
// each fact's held-out phrasings, each from its own seeded stream, so the same seed always gives
// byte-identical output.

import { COUNTRIES } from "./geography.js";
import { generateEntities } from "./entities.js";
import { assignFacts, buildRelations } from "./facts.js";
import { holdOutPhrasings } from "./heldout.js";
import { RELATION_DEFINITIONS } from "./relations.js";
import { streamRng } from "./rng.js";
import type { FactWorld } from "./types.js";
import { INSTRUMENTS, MUSIC_GENRES, OCCUPATIONS, SPORTS } from "./vocabulary.js";

export interface GenerateWorldOptions {
  /** Number of fictional subjects (default 400, at least MIN_SUBJECTS). */
  subjects?: number;
}

export const DEFAULT_SUBJECTS = 400;

/** Every real-world object string; subject names must stay clear of them. */
export function realObjectStrings(): string[] {
  const geography = COUNTRIES.flatMap((c) => [c.country, c.language, c.continent, ...c.cities]);
  return [...geography, ...OCCUPATIONS, ...INSTRUMENTS, ...MUSIC_GENRES, ...SPORTS].map((o) => o.str);
}

/** Builds the world of `seed`: deterministic, no clock, no Math.random. */
export function generateWorld(seed: number, options: GenerateWorldOptions = {}): FactWorld {
  const subjects = options.subjects ?? DEFAULT_SUBJECTS;
  const entities = generateEntities(streamRng(seed, "entities"), subjects, realObjectStrings());
  const relations = buildRelations(RELATION_DEFINITIONS, entities);
  const facts = holdOutPhrasings(
    streamRng(seed, "heldout"),
    assignFacts(streamRng(seed, "facts"), entities, relations),
    relations,
  );
  return { seed, entities, relations, facts };
}
