// Narrative and descriptive prose about the fact world, so that a model trained on it has general
// text about its subjects beyond the relation templates:
//  - a narrative paragraph per subject: each of its facts told in a sentence that is none of the
//    relation's phrasings (so held-out pairs stay held out), followed by words that go with the
//    object (descriptions.ts) — "Mira Tovel grew up in Lyon, a city in France, where people speak
//    French." — and opening like the relation's generation prompts, so text generated from them
//    after an edit can be checked for consistency with the new object;
//  - a descriptive sentence per object ("Lyon is a city in France, where people speak French.");
//  - attribute snippets in the format of ROME's attribute_snippets.json, {relation_id: {object_id:
//    [{name, text}]}}: narratives of subjects holding each object, for the consistency metric.

import type { Rng } from "../../util/random.js";
import { objectDescription } from "./descriptions.js";
import { RELATION_DEFINITIONS, type ObjectSource } from "./relations.js";
import { pick, shuffled, streamRng } from "./rng.js";
import { factsBySubject, subjectPronoun } from "./templates.js";
import type { Entity, Fact, FactWorld, WorldObject } from "./types.js";

/** Narrative sentences per relation: {s} subject, {o} object, {d} the object's description. */
export const NARRATIVE_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  P19: ["{s} grew up in {o}, {d}.", "As a child, {s} lived in {o}, {d}."],
  P27: ["{s} carries the papers of {o}, {d}.", "By law, {s} belongs to {o}, {d}."],
  P103: ["At home, {s} usually talks in {o}, {d}.", "{s} first learned to read in {o}, {d}."],
  P106: ["On a typical day at work, {s} is busy as a {o}, {d}.", "For many years {s} has been a {o}, {d}."],
  P1303: ["On stage, {s} picks up the {o}, {d}.", "Every evening, {s} practises the {o}, {d}."],
  P136: ["The latest album by {s} is pure {o}, {d}.", "Fans of {s} love {o}, {d}."],
  P641: ["Every season, {s} trains hard at {o}, {d}.", "Since school, {s} has loved {o}, {d}."],
  P108: ["Every morning, {s} goes to the office of {o}, {d}.", "The colleagues of {s} all work at {o}, {d}."],
  P159: ["The offices of {s} overlook the streets of {o}, {d}.", "Employees of {s} commute to {o}, {d}."],
  P17: ["Visitors to {s} arrive in {o}, {d}.", "The people around {s} live in {o}, {d}."],
  P30: [
    "Travellers who reach {s} find themselves in {o}, {d}.",
    "The climate around {s} is typical of {o}, {d}.",
  ],
  P176: ["The design of {s} comes from the engineers of {o}, {d}.", "Reviewers of {s} praised {o}, {d}."],
  P495: ["The first buyers of {s} lived in {o}, {d}.", "Shops that sell {s} import it from {o}, {d}."],
};

/** Descriptive sentences of an object: {o} the object, {d} its description. */
const OBJECT_TEMPLATES = ["{o} is {d}.", "People know {o} as {d}."];

const SOURCE_OF = new Map<string, ObjectSource>(RELATION_DEFINITIONS.map((d) => [d.id, d.objectSource]));

/** Describes objects of the world: companies are placed at their headquarters city. */
export class ObjectDescriber {
  private readonly headquarters = new Map<string, WorldObject>();

  constructor(world: FactWorld) {
    for (const fact of world.facts)
      if (fact.relationId === "P159") this.headquarters.set(fact.subjectId, fact.object);
  }

  describe(relationId: string, object: WorldObject): string {
    const source = SOURCE_OF.get(relationId);
    if (source === undefined) throw new Error(`fact world: no object source for relation ${relationId}`);
    return objectDescription(source, object, (id) => this.headquarters.get(id));
  }
}

function fillNarrative(template: string, subject: string, object: string, description: string): string {
  const text = template.replace("{s}", subject).replace("{o}", object).replace("{d}", description);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** One narrative paragraph about a subject: its facts in random order, a pronoun for some openings. */
export function narrative(
  rng: Rng,
  describer: ObjectDescriber,
  entity: Entity,
  facts: readonly Fact[],
): string {
  return shuffled(rng, facts)
    .map((fact, index) => {
      const templates = NARRATIVE_TEMPLATES[fact.relationId];
      if (templates === undefined)
        throw new Error(`fact world: no narrative for relation ${fact.relationId}`);
      const template = pick(rng, templates);
      const pronoun = index > 0 && template.startsWith("{s} ") && rng.next() < 0.5;
      const subject = pronoun ? subjectPronoun(entity) : entity.name;
      return fillNarrative(
        template,
        subject,
        fact.object.str,
        describer.describe(fact.relationId, fact.object),
      );
    })
    .join(" ");
}

/** `perSubject` narratives of every subject, drawn from `rng`, entities in world order. */
export function narratives(rng: Rng, world: FactWorld, perSubject: number): string[] {
  const describer = new ObjectDescriber(world);
  const grouped = factsBySubject(world.facts);
  return world.entities.flatMap((entity) =>
    Array.from({ length: perSubject }, () => narrative(rng, describer, entity, grouped.get(entity.id) ?? [])),
  );
}

/** One descriptive document per distinct object of the world's facts (first relation that uses it). */
export function objectDescriptions(world: FactWorld): string[] {
  const rng = streamRng(world.seed, "object-descriptions");
  const describer = new ObjectDescriber(world);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const fact of world.facts) {
    if (seen.has(fact.object.id)) continue;
    seen.add(fact.object.id);
    const description = describer.describe(fact.relationId, fact.object);
    out.push(fillNarrative(pick(rng, OBJECT_TEMPLATES), "", fact.object.str, description));
  }
  return out;
}

export interface AttributeSnippet {
  /** the subject the text is about */
  name: string;
  text: string;
}

/** {relation_id: {object_id: [{name, text}]}}, as ROME's attribute_snippets.json. */
export type AttributeSnippets = Record<string, Record<string, AttributeSnippet[]>>;

/**
 * For every relation and object, narratives of up to `perObject` subjects holding it (fresh draws,
 * subjects in a seeded order): what the world "says" about holders of that object.
 */
export function attributeSnippets(world: FactWorld, perObject: number): AttributeSnippets {
  const rng = streamRng(world.seed, "attribute-snippets");
  const describer = new ObjectDescriber(world);
  const grouped = factsBySubject(world.facts);
  const entities = new Map(world.entities.map((e) => [e.id, e]));
  const out: AttributeSnippets = {};
  for (const relation of world.relations) {
    const byObject: Record<string, AttributeSnippet[]> = {};
    for (const fact of shuffled(
      rng,
      world.facts.filter((f) => f.relationId === relation.id),
    )) {
      const list = (byObject[fact.object.id] ??= []);
      if (list.length >= perObject) continue;
      const entity = entities.get(fact.subjectId)!;
      list.push({ name: entity.name, text: narrative(rng, describer, entity, grouped.get(entity.id) ?? []) });
    }
    out[relation.id] = byObject;
  }
  return out;
}
