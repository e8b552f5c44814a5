// Knowledge probes: one per fact and phrasing. A model knows the fact in that phrasing when it
// continues `prompt + " "` with `answer`. "train" probes are the phrasings stated for the subject
// in the training text; "heldout" probes are the subject's held-out (subject, phrasing) pairs —
// phrasings the model saw only for other subjects — and measure paraphrase generalisation.

import { fillTemplate, relationById } from "./templates.js";
import type { FactWorld } from "./types.js";

export interface KnowledgeProbe {
  subject: string;
  relationId: string;
  /** The filled template, no trailing space. */
  prompt: string;
  /** The object string the model should continue with (after one space). */
  answer: string;
  split: "train" | "heldout";
}

/** Every fact in every phrasing (template order), split by the fact's held-out pairs; facts in world order. */
export function worldKnowledgeProbes(world: FactWorld): KnowledgeProbe[] {
  const probes: KnowledgeProbe[] = [];
  for (const fact of world.facts) {
    const relation = relationById(world.relations, fact.relationId);
    const held = new Set(fact.heldout);
    for (const [index, template] of relation.templates.entries()) {
      const split = held.has(index) ? "heldout" : "train";
      probes.push({
        subject: fact.subject,
        relationId: fact.relationId,
        prompt: fillTemplate(template, fact.subject),
        answer: fact.object.str,
        split,
      });
    }
  }
  return probes;
}
