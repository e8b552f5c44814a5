// CounterFact-format edit requests drawn from the fact world, with exactly CounterFact's field
// names (Meng et al., "Locating and Editing Factual Associations in GPT", 2022). For a fact
// (s, r, o): rewrite o into another object o* of r's object set; the rewrite prompt is a phrasing
// trained for s; paraphrases are s's two held-out phrasings of r (never stated about s in training,
// though trained for other subjects); neighbourhood prompts are other subjects with r = o (their
// answer must stay o) and attribute prompts subjects with r = o* (what o* "looks like" for r), each
// in a phrasing trained for that subject.

import type { Rng } from "../../util/random.js";
import { pick, shuffled, streamRng } from "./rng.js";
import { HELDOUT_PER_FACT } from "./heldout.js";
import { fillTemplate, phrasingsOf, relationById } from "./templates.js";
import type { CounterFactRecord } from "../counterfact/record.js";
import type { Fact, FactWorld, Relation, WorldObject } from "./types.js";

export type { CounterFactRecord };

export interface CounterfactOptions {
  /** Number of records; throws if the world has fewer eligible facts. */
  count: number;
  /** Seed of the draw (which facts, which targets, which prompts); defaults to the world's seed. */
  seed?: number;
}

/** Neighbourhood and attribute prompts per record, as in CounterFact. */
export const PROMPTS_PER_GROUP = 10;
/** Paraphrase prompts per record, as in CounterFact: the subject's held-out phrasings. */
export const PARAPHRASES_PER_RECORD = HELDOUT_PER_FACT;

const GENERIC_GENERATION_TEMPLATES = [
  "{} is known for",
  "People who met {} say that",
  "The story of {} began when",
];

/** Facts holding each object of each relation: relation id → object id → facts. */
function holdersIndex(facts: readonly Fact[]): Map<string, Map<string, Fact[]>> {
  const index = new Map<string, Map<string, Fact[]>>();
  for (const fact of facts) {
    const byObject = index.get(fact.relationId) ?? new Map<string, Fact[]>();
    index.set(fact.relationId, byObject);
    const holders = byObject.get(fact.object.id) ?? [];
    byObject.set(fact.object.id, holders);
    holders.push(fact);
  }
  return index;
}

/**
 * `count` distinct prompts "phrasing trained for the subject, filled with it", one per (fact of
 * `relation`, phrasing), spreading over as many subjects as possible: every subject gets one
 * phrasing before any gets a second.
 */
function spreadPrompts(rng: Rng, relation: Relation, facts: readonly Fact[], count: number): string[] {
  const order = shuffled(rng, facts).map((fact) => ({
    subject: fact.subject,
    templates: shuffled(rng, phrasingsOf(relation, fact).trained),
  }));
  const rounds = Math.max(0, ...order.map((o) => o.templates.length));
  const prompts: string[] = [];
  for (let round = 0; round < rounds && prompts.length < count; round++) {
    for (const { subject, templates } of order) {
      if (prompts.length === count) break;
      if (round < templates.length) prompts.push(fillTemplate(templates[round], subject));
    }
  }
  return prompts;
}

interface Candidate {
  fact: Fact;
  relation: Relation;
  neighbours: Fact[];
  newTargets: WorldObject[];
}

/** Facts that can make a full record: enough neighbours and at least one target with enough holders. */
function candidates(world: FactWorld): Candidate[] {
  const holders = holdersIndex(world.facts);
  const out: Candidate[] = [];
  for (const fact of world.facts) {
    const relation = relationById(world.relations, fact.relationId);
    const perSubject = relation.templates.length - HELDOUT_PER_FACT;
    const byObject = holders.get(fact.relationId) ?? new Map<string, Fact[]>();
    const neighbours = (byObject.get(fact.object.id) ?? []).filter((f) => f.subjectId !== fact.subjectId);
    if (neighbours.length * perSubject < PROMPTS_PER_GROUP) continue;
    const newTargets = relation.objects.filter(
      (o) => o.id !== fact.object.id && (byObject.get(o.id) ?? []).length * perSubject >= PROMPTS_PER_GROUP,
    );
    if (newTargets.length === 0 || fact.heldout.length < PARAPHRASES_PER_RECORD) continue;
    out.push({ fact, relation, neighbours, newTargets });
  }
  return out;
}

/** How many records the world can supply. */
export function eligibleRecordCount(world: FactWorld): number {
  return candidates(world).length;
}

/** `count` CounterFact records with case ids 0…count−1, deterministic in (world, seed). */
export function counterfactRecords(world: FactWorld, options: CounterfactOptions): CounterFactRecord[] {
  const { count } = options;
  const pool = candidates(world);
  if (!Number.isInteger(count) || count < 0 || count > pool.length) {
    throw new Error(
      `counterfactRecords: count must be an integer in [0, ${pool.length}] for this world, got ${count}`,
    );
  }
  const rng = streamRng(options.seed ?? world.seed, `counterfact-${world.seed}`);
  const holders = holdersIndex(world.facts);
  return shuffled(rng, pool)
    .slice(0, count)
    .map(({ fact, relation, neighbours, newTargets }, caseId) => {
      const targetNew = pick(rng, newTargets);
      const attributeHolders = holders.get(relation.id)?.get(targetNew.id) ?? [];
      const phrasings = phrasingsOf(relation, fact);
      const generation = [...relation.generationTemplates, pick(rng, GENERIC_GENERATION_TEMPLATES)];
      return {
        case_id: caseId,
        requested_rewrite: {
          prompt: pick(rng, phrasings.trained),
          relation_id: relation.id,
          target_new: { ...targetNew },
          target_true: { ...fact.object },
          subject: fact.subject,
        },
        paraphrase_prompts: shuffled(rng, phrasings.heldout)
          .slice(0, PARAPHRASES_PER_RECORD)
          .map((t) => fillTemplate(t, fact.subject)),
        neighborhood_prompts: spreadPrompts(rng, relation, neighbours, PROMPTS_PER_GROUP),
        attribute_prompts: spreadPrompts(rng, relation, attributeHolders, PROMPTS_PER_GROUP),
        generation_prompts: generation.map((t) => fillTemplate(t, fact.subject)),
      };
    });
}
