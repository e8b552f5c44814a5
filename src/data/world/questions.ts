// Questions about the world's facts, and the same edit requests in the zsRE form of MEND (Mitchell
// et al. 2022) as ROME/MEMIT read it (dsets/zsre.py): {subject, src, rephrase, answers, loc, loc_ans}.
// Every relation has two question phrasings; a fact's question phrasing trained for its subject
// alternates with the fact's place in the world (even: the first, odd: the second), and the other
// one is never asked about that subject in training — so a zsRE record asks `src` in the trained
// question and `rephrase` in the held-out one, as CounterFact's paraphrases are held-out pairs.
// ROME/MEMIT read `answers[0]` as the edit target (target_new) and `loc` must start with
// "nq question: "; `loc` here is a trained question about another subject (an unrelated fact of
// the world) and `loc_ans` its true answer.

import type { ZsreRecord } from "../zsre/records.js";
import type { CounterFactRecord } from "./counterfact.js";
import { streamRng } from "./rng.js";
import type { Fact, FactWorld } from "./types.js";

export const QUESTION_TEMPLATES: Readonly<Record<string, readonly [string, string]>> = {
  P19: ["Where was {} born?", "In which city was {} born?"],
  P27: ["Which country is {} a citizen of?", "What is the nationality of {}?"],
  P103: ["What is the mother tongue of {}?", "Which language did {} speak as a child?"],
  P106: ["What is the occupation of {}?", "What does {} do for a living?"],
  P1303: ["Which instrument does {} play?", "What instrument is {} known for?"],
  P136: ["Which genre of music does {} perform?", "What kind of music does {} make?"],
  P641: ["Which sport does {} play?", "What sport is {} known for?"],
  P108: ["Who is the employer of {}?", "Which company does {} work for?"],
  P159: ["Where is {} headquartered?", "In which city is the head office of {}?"],
  P17: ["Which country is {} located in?", "In which country does {} lie?"],
  P30: ["Which continent is {} on?", "On which continent can {} be found?"],
  P176: ["Which company manufactures {}?", "Who makes {}?"],
  P495: ["Which country does {} come from?", "In which country was {} first made?"],
};

/** A fact's question trained for its subject and the one held out, by its index in the world's facts. */
export function questionsOf(fact: Fact, index: number): { trained: string; heldout: string } {
  const pair = QUESTION_TEMPLATES[fact.relationId];
  if (pair === undefined) throw new Error(`fact world: no questions for relation ${fact.relationId}`);
  const fill = (t: string) => t.replace("{}", fact.subject);
  return index % 2 === 0
    ? { trained: fill(pair[0]), heldout: fill(pair[1]) }
    : { trained: fill(pair[1]), heldout: fill(pair[0]) };
}

/** One training document per fact: its trained question and the answer ("Where was X born? Lyon."). */
export function questionDocuments(world: FactWorld): string[] {
  return world.facts.map((fact, i) => `${questionsOf(fact, i).trained} ${fact.object.str}.`);
}

/**
 * A zsRE record (src/data/zsre/records.ts: `src` in the subject's trained question, `rephrase` in
 * its held-out one, `answers[0]` the edit target, `loc` a trained question about an unrelated fact)
 * with the CounterFact record's case id and MEND's `alt` (the edit target) and `pred` (the answer
 * the unedited model should give: the true one).
 */
export interface WorldZsreRecord extends ZsreRecord {
  case_id: number;
  alt: string;
  pred: string;
}

/** The zsRE form of CounterFact records drawn from `world` (same facts, same targets, same case ids). */
export function zsreRecords(
  world: FactWorld,
  records: readonly CounterFactRecord[],
  seed: number,
): WorldZsreRecord[] {
  const index = new Map(world.facts.map((f, i) => [`${f.relationId}\u0000${f.subject}`, i]));
  const rng = streamRng(seed, `zsre-${world.seed}`);
  return records.map((record) => {
    const rw = record.requested_rewrite;
    const at = index.get(`${rw.relation_id}\u0000${rw.subject}`);
    if (at === undefined) throw new Error(`zsRE: record ${record.case_id} is not a fact of the world`);
    const questions = questionsOf(world.facts[at], at);
    // an unrelated fact: another subject, another relation
    let other = at;
    while (world.facts[other].subject === rw.subject || world.facts[other].relationId === rw.relation_id)
      other = rng.int(world.facts.length);
    const loc = world.facts[other];
    return {
      case_id: record.case_id,
      subject: rw.subject,
      src: questions.trained,
      rephrase: questions.heldout,
      answers: [rw.target_new.str],
      alt: rw.target_new.str,
      pred: rw.target_true.str,
      loc: `nq question: ${questionsOf(loc, other).trained.replace(/\?$/, "")}`,
      loc_ans: loc.object.str,
    };
  });
}
