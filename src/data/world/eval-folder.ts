// The eval/ folder of a fact model, written from its corpus spec (corpus-spec.ts):
//   spec.json                     the spec itself
//   world.json                    the world (entities, relations, facts with held-out phrasings)
//   train-world.txt               the world's training documents, one per line
//   train-wikitext.txt            WikiText training paragraphs (when the file was present)
//   train-real.txt, real-facts.json   real CounterFact facts' training statements and the facts
//   counterfact.json              evaluation records (CounterFact format; the edit set)
//   counterfact-tuning.json       records for hyperparameter tuning: other facts of other subjects
//   counterfact-retention.json    records of facts neither edited nor tuned on (retention probes)
//   counterfact-real.json         the real CounterFact records whose true fact was trained
//   zsre.json, zsre-tuning.json   the same edits as counterfact(-tuning).json in zsRE (MEND) form
//   attribute_snippets.json       {relation_id: {object_id: [{name, text}]}} for consistency
//   corpus.txt                    statistics corpus (fresh biographies, narratives, filler, WikiText)
//   perplexity.txt                held-out WikiText paragraphs, never trained on
// Tuning and retention records are about subjects that no evaluation record names, so tuning on
// them never sees an evaluation subject. Every file is written atomically.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../io/atomic.js";
import { counterfactRecords, eligibleRecordCount, type CounterFactRecord } from "./counterfact.js";
import type { FactCorpus } from "./corpus-spec.js";
import { biography } from "./documents.js";
import { fillerDocuments, fillerSentences } from "./filler.js";
import { attributeSnippets, narratives } from "./prose.js";
import { zsreRecords } from "./questions.js";
import { shuffled, streamRng } from "./rng.js";
import { factsBySubject } from "./templates.js";
import { worldJson } from "./write.js";

export interface RecordSplits {
  evaluation: CounterFactRecord[];
  tuning: CounterFactRecord[];
  retention: CounterFactRecord[];
}

/**
 * Every record the world can supply (case ids in draw order), cut into the evaluation records
 * (the first `records`), then tuning and retention records among the rest whose subject no
 * evaluation record names.
 */
export function recordSplits(corpus: FactCorpus): RecordSplits {
  const { world, spec } = corpus;
  const all = counterfactRecords(world, { count: eligibleRecordCount(world), seed: world.seed });
  const { records, tuningRecords, retentionRecords } = spec.eval;
  if (all.length < records + tuningRecords + retentionRecords)
    throw new Error(`fact corpus: the world supplies ${all.length} records, the spec asks for more`);
  const evaluation = all.slice(0, records);
  const named = new Set(evaluation.map((r) => r.requested_rewrite.subject));
  const others = all.slice(records).filter((r) => !named.has(r.requested_rewrite.subject));
  const tuning = others.slice(0, tuningRecords);
  const retention = others.slice(tuningRecords, tuningRecords + retentionRecords);
  if (tuning.length < tuningRecords || retention.length < retentionRecords)
    throw new Error(
      `fact corpus: only ${others.length} records are about subjects outside the evaluation set; ` +
        `the spec asks for ${tuningRecords} tuning and ${retentionRecords} retention records`,
    );
  return { evaluation, tuning, retention };
}

/** Plain text for covariance statistics: fresh biographies and narratives, filler and WikiText. */
export function corpusStatisticsText(corpus: FactCorpus): string {
  const { world } = corpus;
  const rng = streamRng(world.seed, "statistics");
  const grouped = factsBySubject(world.facts);
  const biographies = world.entities.flatMap((entity) =>
    Array.from({ length: 2 }, () => biography(rng, world, entity, grouped.get(entity.id) ?? [])),
  );
  const stories = narratives(rng, world, 1);
  const filler = fillerDocuments(rng, fillerSentences(rng, 600));
  const documents = [...biographies, ...stories, ...filler, ...corpus.statisticsWikitext];
  return shuffled(rng, documents).join("\n") + "\n";
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + "\n";
const lines = (items: readonly string[]) => items.join("\n") + "\n";

/** file name → contents of the eval folder (only the parts the corpus has). */
export function evalFolderFiles(corpus: FactCorpus): Record<string, string> {
  const { world, spec } = corpus;
  const splits = recordSplits(corpus);
  const files: Record<string, string> = {
    "spec.json": json(spec),
    "world.json": worldJson(world),
    "train-world.txt": lines(corpus.worldDocuments),
    "counterfact.json": json(splits.evaluation),
    "counterfact-tuning.json": json(splits.tuning),
    "counterfact-retention.json": json(splits.retention),
    "zsre.json": json(zsreRecords(world, splits.evaluation, world.seed)),
    "zsre-tuning.json": json(zsreRecords(world, splits.tuning, world.seed)),
    "attribute_snippets.json": json(attributeSnippets(world, spec.eval.snippetsPerObject)),
    "corpus.txt": corpusStatisticsText(corpus),
  };
  if (corpus.wikitextDocuments.length > 0) {
    files["train-wikitext.txt"] = lines(corpus.wikitextDocuments);
    files["perplexity.txt"] = lines(corpus.perplexityText);
  }
  if (corpus.real) {
    files["train-real.txt"] = lines(corpus.realDocuments);
    files["real-facts.json"] = json(corpus.real);
    const trained = new Set(corpus.real.facts.filter((f) => f.role === "record").map((f) => f.caseId));
    files["counterfact-real.json"] = json(corpus.realRecords.filter((r) => trained.has(r.case_id)));
  }
  return files;
}

/** Writes the eval folder under `dir`; returns the names written. */
export function writeEvalFolder(dir: string, corpus: FactCorpus): string[] {
  mkdirSync(dir, { recursive: true });
  const files = evalFolderFiles(corpus);
  for (const [name, text] of Object.entries(files)) writeFileAtomic(join(dir, name), text);
  return Object.keys(files).sort();
}
