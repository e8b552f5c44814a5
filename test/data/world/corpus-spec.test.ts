// The fact corpus of a spec (world + prose + questions + WikiText + real facts) and its eval/ files:
// held-out (subject, phrasing) pairs and held-out questions are never stated about their subject in
// any training text or the statistics corpus; tuning and retention records are about subjects no
// evaluation record names; zsRE records are the same edits; attribute snippets are about holders of
// their object; a shared file that is absent is skipped with a note. Real facts are checked when
// ../shared/data is present.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  buildFactCorpus,
  corpusProbes,
  corpusTrainingDocuments,
  type FactCorpusSpec,
} from "../../../src/data/world/corpus-spec.js";
import { corpusStatisticsText, evalFolderFiles, recordSplits } from "../../../src/data/world/eval-folder.js";
import { fillTemplate } from "../../../src/data/world/index.js";
import { NARRATIVE_TEMPLATES } from "../../../src/data/world/prose.js";
import { QUESTION_TEMPLATES, questionsOf, zsreRecords } from "../../../src/data/world/questions.js";
import { repoRoot } from "../../models/golden-helpers.js";

const SHARED = join(repoRoot, "..", "shared", "data");
const haveShared = existsSync(join(SHARED, "counterfact", "counterfact_test_2191.json"));

const spec: FactCorpusSpec = {
  seed: 5,
  subjects: 300,
  biographiesPerSubject: 2,
  narrativesPerSubject: 1,
  questions: true,
  fillerSentences: 50,
  wikitext: { file: "../shared/data/wikitext-2-raw/wiki.test.raw", heldoutEvery: 10, trainChars: 20000 },
  realFacts: {
    file: "../shared/data/counterfact/counterfact_test_2191.json",
    records: 120,
    neighbours: true,
  },
  eval: {
    records: 300,
    tuningRecords: 40,
    retentionRecords: 60,
    snippetsPerObject: 3,
    statisticsWikitextParagraphs: 20,
  },
};
const corpus = buildFactCorpus(spec, repoRoot);
const training = corpusTrainingDocuments(corpus).join("\n");
const statistics = corpusStatisticsText(corpus);

test("every relation of the world has narrative sentences and two questions", () => {
  for (const relation of corpus.world.relations) {
    assert.ok((NARRATIVE_TEMPLATES[relation.id] ?? []).length >= 2, relation.id);
    assert.equal(QUESTION_TEMPLATES[relation.id]?.length, 2, relation.id);
  }
});

test("held-out pairs and held-out questions are never stated about their subject", () => {
  const leaks: string[] = [];
  corpus.world.facts.forEach((fact, i) => {
    const relation = corpus.world.relations.find((r) => r.id === fact.relationId)!;
    const held = fact.heldout.map((k) => fillTemplate(relation.templates[k], fact.subject));
    for (const prompt of [...held, questionsOf(fact, i).heldout])
      if (training.includes(prompt) || statistics.includes(prompt)) leaks.push(prompt);
  });
  assert.deepEqual(leaks, []);
  // the trained question is there
  assert.ok(training.includes(questionsOf(corpus.world.facts[0], 0).trained));
});

test("probes: three trained and two held-out phrasings per world fact, grouped by relation", () => {
  const probes = corpusProbes(corpus).filter((p) => p.group.startsWith("world/"));
  assert.equal(probes.length, 5 * corpus.world.facts.length);
  assert.equal(probes.filter((p) => p.split === "heldout").length, 2 * corpus.world.facts.length);
  assert.deepEqual(
    [...new Set(probes.map((p) => p.group))].sort(),
    corpus.world.relations.map((r) => `world/${r.id}`).sort(),
  );
});

test("tuning and retention records are about subjects no evaluation record names", () => {
  const splits = recordSplits(corpus);
  assert.deepEqual(
    [splits.evaluation.length, splits.tuning.length, splits.retention.length],
    [spec.eval.records, spec.eval.tuningRecords, spec.eval.retentionRecords],
  );
  const named = new Set(splits.evaluation.map((r) => r.requested_rewrite.subject));
  for (const r of [...splits.tuning, ...splits.retention]) assert.ok(!named.has(r.requested_rewrite.subject));
  const ids = [...splits.evaluation, ...splits.tuning, ...splits.retention].map((r) => r.case_id);
  assert.equal(new Set(ids).size, ids.length);
});

test("zsRE records are the evaluation records' edits, asked as trained and held-out questions", () => {
  const { evaluation } = recordSplits(corpus);
  const zsre = zsreRecords(corpus.world, evaluation, corpus.world.seed);
  zsre.forEach((z, i) => {
    const rw = evaluation[i].requested_rewrite;
    assert.equal(z.case_id, evaluation[i].case_id);
    assert.equal(z.subject, rw.subject);
    assert.deepEqual(z.answers, [rw.target_new.str]);
    assert.equal(z.pred, rw.target_true.str);
    assert.ok(z.src.includes(rw.subject) && z.rephrase.includes(rw.subject) && z.src !== z.rephrase);
    assert.ok(training.includes(`${z.src} ${rw.target_true.str}.`), z.src);
    assert.ok(!training.includes(z.rephrase), z.rephrase);
    assert.match(z.loc, /^nq question: .*[^?]$/);
    assert.ok(!z.loc.includes(rw.subject));
    assert.ok(training.includes(`${z.loc.slice("nq question: ".length)}? ${z.loc_ans}.`), z.loc);
  });
});

test("attribute snippets are narratives about subjects that hold their object", () => {
  const files = evalFolderFiles(corpus);
  const snippets = JSON.parse(files["attribute_snippets.json"]) as Record<
    string,
    Record<string, { name: string; text: string }[]>
  >;
  const holds = new Set(corpus.world.facts.map((f) => `${f.relationId}|${f.object.id}|${f.subject}`));
  let count = 0;
  for (const [relation, byObject] of Object.entries(snippets))
    for (const [object, list] of Object.entries(byObject)) {
      assert.ok(list.length >= 1 && list.length <= spec.eval.snippetsPerObject);
      for (const { name, text } of list) {
        assert.ok(holds.has(`${relation}|${object}|${name}`), `${relation} ${object} ${name}`);
        assert.ok(text.startsWith(name) || text.includes(name), text);
        count++;
      }
    }
  assert.ok(count > 100);
});

test("an absent shared file is skipped with a note; the world part is unchanged", () => {
  const missing = buildFactCorpus(
    {
      ...spec,
      wikitext: { ...spec.wikitext!, file: "nowhere/wiki.raw" },
      realFacts: { ...spec.realFacts!, file: "nowhere/cf.json" },
    },
    repoRoot,
  );
  assert.deepEqual(missing.notes, [
    "nowhere/wiki.raw is absent: no WikiText training or perplexity text",
    "nowhere/cf.json is absent: no real CounterFact facts",
  ]);
  assert.deepEqual(missing.worldDocuments, corpus.worldDocuments);
  const files = evalFolderFiles(missing);
  for (const name of ["train-wikitext.txt", "perplexity.txt", "train-real.txt", "counterfact-real.json"])
    assert.ok(!(name in files), name);
});

test(
  "real facts: rewrite prompts trained, paraphrase phrasings held out, never stated",
  { skip: !haveShared },
  () => {
    const real = corpus.real!;
    assert.ok(real.facts.length > spec.realFacts!.records, "neighbour facts too");
    const realText = corpus.realDocuments.join("\n");
    for (const record of corpus.realRecords) {
      const rw = record.requested_rewrite;
      const fact = real.facts.find((f) => f.subject === rw.subject && f.relationId === rw.relation_id)!;
      if (fact.caseId !== record.case_id) continue; // a duplicate (subject, relation): the first record's fact
      assert.ok(
        realText.includes(`${rw.prompt.replace("{}", rw.subject)} ${rw.target_true.str}.`),
        rw.prompt,
      );
      for (const k of fact.heldout) {
        // the held-out prompt followed by its answer (a held-out phrasing may open a trained
        // one, as "{} speaks" opens "{} speaks the language", without stating the fact)
        const held = `${real.templates[rw.relation_id][k].replace("{}", rw.subject)} ${rw.target_true.str}`;
        assert.ok(!realText.includes(held), held);
      }
    }
    assert.ok(corpus.perplexityText.length > 0 && corpus.wikitextDocuments.length > 0);
    const perplexity = new Set(corpus.perplexityText);
    assert.ok(corpus.wikitextDocuments.every((p) => !perplexity.has(p)));
  },
);
