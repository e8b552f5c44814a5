// Filling relation templates: "{}" takes the subject (or, in biographies, a pronoun when the
// template opens with the subject), and a fact sentence appends " <object>.". Which phrasings of a
// relation may state a fact depends on the fact's subject (phrasingsOf).

import { fillTemplate } from "../../tokenizers/prompt-template.js";
import type { Entity, Fact, Relation } from "./types.js";

export { fillTemplate };

/** A sentence stating the object: prompt + " " + object + ".". */
export function factSentence(template: string, subject: string, object: string): string {
  return `${fillTemplate(template, subject)} ${object}.`;
}

/** Whether a biography may put a pronoun for the subject: the template opens with "{} ". */
export function acceptsPronoun(template: string): boolean {
  return template.startsWith("{} ");
}

/** The capitalised subject pronoun of an entity ("He", "She", "It"). */
export function subjectPronoun(entity: Entity): string {
  return entity.pronoun.charAt(0).toUpperCase() + entity.pronoun.slice(1);
}

/** The relation with id `relationId`; throws if the world lacks it. */
export function relationById(relations: readonly Relation[], relationId: string): Relation {
  const relation = relations.find((r) => r.id === relationId);
  if (relation === undefined) throw new Error(`fact world: unknown relation ${relationId}`);
  return relation;
}

/** A fact's phrasings: those trained for its subject and those held out for it, in template order. */
export function phrasingsOf(relation: Relation, fact: Fact): { trained: string[]; heldout: string[] } {
  if (relation.id !== fact.relationId) {
    throw new Error(`fact world: fact of ${fact.relationId} phrased with relation ${relation.id}`);
  }
  const held = new Set(fact.heldout);
  return {
    trained: relation.templates.filter((_, i) => !held.has(i)),
    heldout: relation.templates.filter((_, i) => held.has(i)),
  };
}

/** Facts grouped by subject id, in world order. */
export function factsBySubject(facts: readonly Fact[]): Map<string, Fact[]> {
  const groups = new Map<string, Fact[]>();
  for (const fact of facts) {
    const list = groups.get(fact.subjectId);
    if (list === undefined) groups.set(fact.subjectId, [fact]);
    else list.push(fact);
  }
  return groups;
}
