// A fact corpus: everything a fact model is trained and evaluated on, from one JSON spec — the
// synthetic world of a seed and size (optionally fewer relations per subject), its texts (fact
// statements, biographies, narratives, object descriptions, questions, filler), real general text
// (WikiText-2, a training part and a held-out part for perplexity) and real facts (true facts of
// real CounterFact records). The shared data files are read at generation time only; when one is
// absent its part is skipped and `notes` says so, and everything else is generated the same.

import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseWikitext, splitWikitext, trainingParagraphs } from "../general-text/wikitext.js";
import { biography, factStatements } from "./documents.js";
import { fillerDocuments, fillerSentences } from "./filler.js";
import { generateWorld } from "./generate.js";
import { worldKnowledgeProbes } from "./probes.js";
import { narratives, objectDescriptions } from "./prose.js";
import { questionDocuments } from "./questions.js";
import { realFacts, type RealCounterFactRecord, type RealFacts } from "./real-facts.js";
import { shuffled, streamRng } from "./rng.js";
import { factsBySubject } from "./templates.js";
import type { FactWorld } from "./types.js";

export interface FactCorpusSpec {
  seed: number;
  subjects: number;
  /** relation ids kept (default: all); fewer relations → fewer facts per subject */
  relations?: string[];
  biographiesPerSubject: number;
  narrativesPerSubject: number;
  /** one trained question per fact (zsRE form) */
  questions: boolean;
  fillerSentences: number;
  /** WikiText raw file (path relative to the working directory) */
  wikitext?: { file: string; heldoutEvery: number; trainChars: number };
  /**
   * CounterFact records file whose true facts are trained beside the world: the first `records`
   * records, with their neighbourhood facts when `neighbours`, each statement `repeat` times
   * (default 1) per pass over the data
   */
  realFacts?: { file: string; records: number; neighbours: boolean; repeat?: number };
  eval: {
    records: number;
    tuningRecords: number;
    retentionRecords: number;
    snippetsPerObject: number;
    /** wikitext training paragraphs added to the statistics corpus */
    statisticsWikitextParagraphs: number;
  };
}

export interface FactCorpus {
  spec: FactCorpusSpec;
  world: FactWorld;
  /** training documents of the world (one per line, no newline inside), seeded order */
  worldDocuments: string[];
  /** wikitext training paragraphs, file order (empty when the file is absent) */
  wikitextDocuments: string[];
  /** wikitext held-out paragraphs for perplexity (empty when the file is absent) */
  perplexityText: string[];
  /** wikitext training paragraphs for the statistics corpus */
  statisticsWikitext: string[];
  real: RealFacts | null;
  realRecords: RealCounterFactRecord[];
  realDocuments: string[];
  /** why a part was skipped (a shared file absent) */
  notes: string[];
}

const readJson = (file: string) => JSON.parse(readFileSync(file, "utf8")) as unknown;

/** The spec's world: generateWorld(seed, subjects) with only `relations` kept. */
export function specWorld(spec: FactCorpusSpec): FactWorld {
  const world = generateWorld(spec.seed, { subjects: spec.subjects });
  if (!spec.relations) return world;
  const keep = new Set(spec.relations);
  for (const id of keep)
    if (!world.relations.some((r) => r.id === id))
      throw new Error(`fact corpus spec: unknown relation ${id}`);
  return {
    ...world,
    relations: world.relations.filter((r) => keep.has(r.id)),
    facts: world.facts.filter((f) => keep.has(f.relationId)),
  };
}

/** The world's training documents under the spec, in a seeded shuffled order. */
export function specWorldDocuments(world: FactWorld, spec: FactCorpusSpec): string[] {
  const grouped = factsBySubject(world.facts);
  const bioRng = streamRng(world.seed, "training-biographies");
  const biographies = world.entities.flatMap((entity) =>
    Array.from({ length: spec.biographiesPerSubject }, () =>
      biography(bioRng, world, entity, grouped.get(entity.id) ?? []),
    ),
  );
  const stories = narratives(streamRng(world.seed, "training-narratives"), world, spec.narrativesPerSubject);
  const fillerRng = streamRng(world.seed, "training-filler");
  const filler = fillerDocuments(fillerRng, fillerSentences(fillerRng, spec.fillerSentences));
  const documents = [
    ...factStatements(world),
    ...biographies,
    ...stories,
    ...objectDescriptions(world),
    ...(spec.questions ? questionDocuments(world) : []),
    ...filler,
  ];
  return shuffled(streamRng(world.seed, "training-order"), documents);
}

/** Builds the corpus; shared files are resolved against `cwd` (default: the working directory). */
export function buildFactCorpus(spec: FactCorpusSpec, cwd = process.cwd()): FactCorpus {
  const world = specWorld(spec);
  const notes: string[] = [];
  const corpus: FactCorpus = {
    spec,
    world,
    worldDocuments: specWorldDocuments(world, spec),
    wikitextDocuments: [],
    perplexityText: [],
    statisticsWikitext: [],
    real: null,
    realRecords: [],
    realDocuments: [],
    notes,
  };
  if (spec.wikitext) {
    const file = resolve(cwd, spec.wikitext.file);
    if (!existsSync(file))
      notes.push(`${spec.wikitext.file} is absent: no WikiText training or perplexity text`);
    else {
      const split = splitWikitext(parseWikitext(readFileSync(file, "utf8")), spec.wikitext.heldoutEvery);
      corpus.wikitextDocuments = trainingParagraphs(split.train, spec.wikitext.trainChars);
      corpus.perplexityText = split.heldout.flatMap((a) => a.paragraphs);
      corpus.statisticsWikitext = shuffled(
        streamRng(spec.seed, "statistics-wikitext"),
        corpus.wikitextDocuments,
      ).slice(0, spec.eval.statisticsWikitextParagraphs);
    }
  }
  if (spec.realFacts) {
    const file = resolve(cwd, spec.realFacts.file);
    if (!existsSync(file)) notes.push(`${spec.realFacts.file} is absent: no real CounterFact facts`);
    else {
      const records = readJson(file) as RealCounterFactRecord[];
      const options = { maxRecords: spec.realFacts.records, neighbours: spec.realFacts.neighbours };
      corpus.real = realFacts(streamRng(spec.seed, "real-facts"), records, options);
      corpus.realRecords = records.slice(0, spec.realFacts.records);
      const statements = realStatements(corpus.real);
      const repeated = Array.from({ length: spec.realFacts.repeat ?? 1 }, () => statements).flat();
      corpus.realDocuments = shuffled(streamRng(spec.seed, "real-order"), repeated);
    }
  }
  return corpus;
}

/** Every real fact stated once in each phrasing trained for its subject. */
export function realStatements(real: RealFacts): string[] {
  return real.facts.flatMap((fact) =>
    real.templates[fact.relationId]
      .filter((_, i) => !fact.heldout.includes(i))
      .map((t) => `${t.replace("{}", fact.subject)} ${fact.object.str}.`),
  );
}

/** All training documents: the world's, then WikiText's, then the real facts'. */
export function corpusTrainingDocuments(corpus: FactCorpus): string[] {
  return [...corpus.worldDocuments, ...corpus.wikitextDocuments, ...corpus.realDocuments];
}

export interface CorpusProbe {
  prompt: string;
  answer: string;
  split: "train" | "heldout";
  /** "world/P19", "real/P176" */
  group: string;
  subject: string;
}

/** Knowledge probes of every world and real fact in every phrasing, split by held-out pairs. */
export function corpusProbes(corpus: FactCorpus): CorpusProbe[] {
  const world = worldKnowledgeProbes(corpus.world).map((p) => ({
    prompt: p.prompt,
    answer: p.answer,
    split: p.split,
    group: `world/${p.relationId}`,
    subject: p.subject,
  }));
  const real = (corpus.real?.facts ?? []).flatMap((fact) =>
    corpus.real!.templates[fact.relationId].map((t, i) => ({
      prompt: t.replace("{}", fact.subject),
      answer: fact.object.str,
      split: (fact.heldout.includes(i) ? "heldout" : "train") as "train" | "heldout",
      group: `real/${fact.relationId}`,
      subject: fact.subject,
    })),
  );
  return [...world, ...real];
}
