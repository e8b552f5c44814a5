// Consistency of a CounterFact record (Meng et al. 2022, `test_generation`'s "reference_score"):
// the TF-IDF cosine between all the record's generations joined by spaces and all the attribute
// snippets of its new target (snippets[relation_id][target_new.id]) joined by spaces. A record whose
// new target has no snippet gets null (the reference asserts there is one); summaries count them.
import type { AttributeSnippets } from "./snippets.js";
import { snippetsFor } from "./snippets.js";
import { tfidfCosine, type TfidfModel } from "./tfidf.js";

export interface ConsistencyReferences {
  vectorizer: TfidfModel;
  snippets: AttributeSnippets;
}

/** The record's consistency in [0, 1], or null when its (relation, new target) has no snippet. */
export function recordConsistency(
  generations: readonly string[],
  relationId: string,
  targetNewId: string,
  references: ConsistencyReferences,
): number | null {
  const snippets = snippetsFor(references.snippets, relationId, targetNewId);
  if (snippets === null) return null;
  return tfidfCosine(generations.join(" "), snippets.map((s) => s.text).join(" "), references.vectorizer);
}
