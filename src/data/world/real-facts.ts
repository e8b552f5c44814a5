// Real facts beside the synthetic world: the true facts of real CounterFact records (Meng et al.
// 2022; ParaRel/Wikidata facts), so that experiments can also edit real requests whose true answer
// the model knows. From each record: its subject with `target_true` (the "record fact"), and the
// facts of its neighbourhood prompts (other subjects with the same relation and object). A
// relation's phrasings are the distinct rewrite-prompt templates of its records; each fact holds
// out phrasings for its own subject as the world does: a record fact holds out the phrasings of
// its own paraphrase prompts (so those test held-out pairs), a neighbour fact a seeded rotation;
// the phrasing of the prompt a fact came from (rewrite or neighbourhood prompt) is trained for its
// subject. One fact per (subject, relation): the first record that names it fixes its split.

import type { Rng } from "../../util/random.js";
import { shuffled } from "./rng.js";
import type { WorldObject } from "./types.js";

/** The fields of a CounterFact record that real facts are read from. */
export interface RealCounterFactRecord {
  case_id: number;
  requested_rewrite: {
    prompt: string;
    relation_id: string;
    target_true: WorldObject;
    subject: string;
  };
  paraphrase_prompts: string[];
  neighborhood_prompts: string[];
}

export interface RealFact {
  subject: string;
  relationId: string;
  object: WorldObject;
  /** indices into the relation's templates held out for this subject */
  heldout: number[];
  /** case id of the record it came from, and whether it is that record's own fact */
  caseId: number;
  role: "record" | "neighbour";
}

export interface RealFacts {
  /** relation id → phrasings ("{}" for the subject), sorted */
  templates: Record<string, string[]>;
  facts: RealFact[];
}

/** The template among `templates` that `prompt` fills (ends with, for paraphrases with a prefix), and the subject. */
function matchTemplate(
  prompt: string,
  templates: readonly string[],
  subject?: string,
): { index: number; subject: string } | null {
  for (const [index, template] of templates.entries()) {
    const [before, after] = template.split("{}");
    if (subject !== undefined) {
      if (prompt.endsWith(before + subject + after)) return { index, subject };
      continue;
    }
    if (prompt.startsWith(before) && prompt.endsWith(after) && prompt.length > before.length + after.length)
      return { index, subject: prompt.slice(before.length, prompt.length - after.length) };
  }
  return null;
}

/** Phrasings held out per fact: two, or one for a relation with fewer than five phrasings. */
export function heldoutCount(templates: readonly string[]): number {
  return templates.length >= 5 ? 2 : 1;
}

/**
 * Real facts of `records` (the first `maxRecords` in file order), one per (subject, relation),
 * first occurrence wins; neighbour facts only when `neighbours`. Deterministic in `rng`.
 */
export function realFacts(
  rng: Rng,
  records: readonly RealCounterFactRecord[],
  options: { maxRecords: number; neighbours: boolean },
): RealFacts {
  const used = records.slice(0, options.maxRecords);
  const templates: Record<string, string[]> = {};
  for (const r of used) (templates[r.requested_rewrite.relation_id] ??= []).push(r.requested_rewrite.prompt);
  for (const id of Object.keys(templates)) templates[id] = [...new Set(templates[id])].sort();
  const facts: RealFact[] = [];
  const seen = new Set<string>();
  const add = (fact: Omit<RealFact, "heldout">, heldout: number[]) => {
    const key = `${fact.relationId}\u0000${fact.subject}`;
    if (seen.has(key)) return;
    seen.add(key);
    facts.push({ ...fact, heldout: [...heldout].sort((a, b) => a - b) });
  };
  /** `count` held-out indices avoiding `trained`, preferring `wanted`. */
  const chooseHeldout = (n: number, count: number, trained: number, wanted: number[]) => {
    const rest = shuffled(
      rng,
      Array.from({ length: n }, (_, i) => i).filter((i) => i !== trained && !wanted.includes(i)),
    );
    return [...wanted.filter((i) => i !== trained), ...rest].slice(0, Math.min(count, n - 1));
  };
  for (const r of used) {
    const rw = r.requested_rewrite;
    const list = templates[rw.relation_id];
    const own = list.indexOf(rw.prompt);
    const paraphrased = r.paraphrase_prompts
      .map((p) => matchTemplate(p, list, rw.subject)?.index)
      .filter((i): i is number => i !== undefined);
    const base = { relationId: rw.relation_id, object: { ...rw.target_true }, caseId: r.case_id };
    add(
      { ...base, subject: rw.subject, role: "record" },
      chooseHeldout(list.length, heldoutCount(list), own, [...new Set(paraphrased)]),
    );
    if (!options.neighbours) continue;
    for (const prompt of r.neighborhood_prompts) {
      const match = matchTemplate(prompt, list);
      if (match === null) continue;
      add(
        { ...base, subject: match.subject, role: "neighbour" },
        chooseHeldout(list.length, heldoutCount(list), match.index, []),
      );
    }
  }
  return { templates, facts };
}

/** A real fact's phrasings trained for its subject and held out for it. */
export function realPhrasings(real: RealFacts, fact: RealFact): { trained: string[]; heldout: string[] } {
  const list = real.templates[fact.relationId];
  return {
    trained: list.filter((_, i) => !fact.heldout.includes(i)),
    heldout: list.filter((_, i) => fact.heldout.includes(i)),
  };
}
