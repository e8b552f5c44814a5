// Texts of the fact world. Training documents (one per line): every fact in each phrasing trained
// for its subject, a few biography paragraphs per subject built from its trained phrasings only,
// and filler prose. The statistics corpus (for covariance statistics) mixes fresh biographies with
// fresh filler. A fact's held-out phrasings are never used for its subject in either (with the
// name or a pronoun); other subjects use them.

import type { Rng } from "../../util/random.js";
import { fillerDocuments, fillerSentences } from "./filler.js";
import { pick, shuffled, streamRng } from "./rng.js";
import {
  acceptsPronoun,
  factSentence,
  factsBySubject,
  phrasingsOf,
  relationById,
  subjectPronoun,
} from "./templates.js";
import type { Entity, Fact, FactWorld } from "./types.js";

/** Biography paragraphs per subject in the training documents. */
export const BIOGRAPHIES_PER_SUBJECT = 3;
/** Filler sentences in the training documents. */
export const TRAINING_FILLER_SENTENCES = 400;
/** Biography paragraphs per subject in the statistics corpus (fresh draws, not the training ones). */
export const STATISTICS_BIOGRAPHIES_PER_SUBJECT = 2;
/** Filler sentences in the statistics corpus. */
export const STATISTICS_FILLER_SENTENCES = 600;

/** Every fact stated once in each phrasing trained for its subject, in world order. */
export function factStatements(world: FactWorld): string[] {
  const out: string[] = [];
  for (const fact of world.facts) {
    for (const template of phrasingsOf(relationById(world.relations, fact.relationId), fact).trained) {
      out.push(factSentence(template, fact.subject, fact.object.str));
    }
  }
  return out;
}

/**
 * One biography paragraph: the subject's `facts` in random order, each in a random phrasing trained
 * for the subject;
 * after the first sentence a template that opens with the subject may use the pronoun instead.
 */
export function biography(rng: Rng, world: FactWorld, entity: Entity, facts: readonly Fact[]): string {
  const sentences = shuffled(rng, facts).map((fact, index) => {
    const template = pick(rng, phrasingsOf(relationById(world.relations, fact.relationId), fact).trained);
    const usePronoun = index > 0 && acceptsPronoun(template) && rng.next() < 0.5;
    return factSentence(template, usePronoun ? subjectPronoun(entity) : entity.name, fact.object.str);
  });
  return sentences.join(" ");
}

/** Training documents, one per line (no newline inside), in a seeded shuffled order. */
export function worldTrainingDocuments(world: FactWorld): string[] {
  const bioRng = streamRng(world.seed, "training-biographies");
  const grouped = factsBySubject(world.facts);
  const biographies = world.entities.flatMap((entity) =>
    Array.from({ length: BIOGRAPHIES_PER_SUBJECT }, () =>
      biography(bioRng, world, entity, grouped.get(entity.id) ?? []),
    ),
  );
  const fillerRng = streamRng(world.seed, "training-filler");
  const filler = fillerDocuments(fillerRng, fillerSentences(fillerRng, TRAINING_FILLER_SENTENCES));
  const documents = [...factStatements(world), ...biographies, ...filler];
  return shuffled(streamRng(world.seed, "training-order"), documents);
}

/** Plain text for covariance statistics: fresh biographies and filler, one document per line. */
export function worldStatisticsCorpus(world: FactWorld): string {
  const rng = streamRng(world.seed, "statistics");
  const grouped = factsBySubject(world.facts);
  const biographies = world.entities.flatMap((entity) =>
    Array.from({ length: STATISTICS_BIOGRAPHIES_PER_SUBJECT }, () =>
      biography(rng, world, entity, grouped.get(entity.id) ?? []),
    ),
  );
  const filler = fillerDocuments(rng, fillerSentences(rng, STATISTICS_FILLER_SENTENCES));
  return shuffled(rng, [...biographies, ...filler]).join("\n") + "\n";
}
