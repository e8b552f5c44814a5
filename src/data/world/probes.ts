// Knowledge probes: one per fact and phrasing. A model knows the fact in that phrasing when it
// continues `prompt + " "` with `answer`; "heldout" probes measure paraphrase generalisation.

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

/** Every fact in every training and held-out phrasing, facts in world order. */
export function worldKnowledgeProbes(world: FactWorld): KnowledgeProbe[] {
  const probes: KnowledgeProbe[] = [];
  for (const fact of world.facts) {
    const relation = relationById(world.relations, fact.relationId);
    const phrasings = [
      ...relation.trainTemplates.map((t) => [t, "train"] as const),
      ...relation.heldoutTemplates.map((t) => [t, "heldout"] as const),
    ];
    for (const [template, split] of phrasings) {
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
