// Tests for the world's texts: every fact in each phrasing trained for its subject, biographies in
// the subject's trained phrasings only, filler prose, the size budget, and — the point of held-out
// (subject, phrasing) pairs — that no held-out pair is stated in the training documents or the
// statistics corpus, with negative controls showing the check catches a planted leak.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  factStatements,
  fillTemplate,
  generateWorld,
  worldStatisticsCorpus,
  worldTrainingDocuments,
} from "../../../src/data/world/index.js";
import {
  BIOGRAPHIES_PER_SUBJECT,
  STATISTICS_BIOGRAPHIES_PER_SUBJECT,
} from "../../../src/data/world/documents.js";
import { realObjectStrings } from "../../../src/data/world/generate.js";
import { factSentence } from "../../../src/data/world/templates.js";
import type { Fact, FactWorld } from "../../../src/data/world/index.js";

const world = generateWorld(21);
const documents = worldTrainingDocuments(world);
const trainingText = documents.join("\n");
const corpus = worldStatisticsCorpus(world);

const relationOf = (w: FactWorld, fact: Fact) => w.relations.find((r) => r.id === fact.relationId)!;
const heldoutOf = (w: FactWorld, fact: Fact) =>
  relationOf(w, fact).templates.filter((_, i) => fact.heldout.includes(i));
const trainedOf = (w: FactWorld, fact: Fact) =>
  relationOf(w, fact).templates.filter((_, i) => !fact.heldout.includes(i));

/**
 * Held-out (subject, phrasing) pairs of `w` stated in `text`: the phrasing filled with the subject's
 * name occurs there (with any object or none). Names are never substrings of one another, so a hit
 * is about that subject.
 */
function heldoutLeaks(w: FactWorld, text: string): string[] {
  return w.facts.flatMap((fact) =>
    heldoutOf(w, fact)
      .map((t) => fillTemplate(t, fact.subject))
      .filter((prompt) => text.includes(prompt)),
  );
}

const words = (text: string) => text.split(/\s+/).filter((w) => w.length > 0).length;

test("held-out (subject, phrasing) pairs never appear in the training documents or the statistics corpus", () => {
  assert.deepEqual(heldoutLeaks(world, trainingText), []);
  assert.deepEqual(heldoutLeaks(world, corpus), []);
  // …while every phrasing is stated in training for other subjects.
  for (const relation of world.relations) {
    for (const template of relation.templates) {
      const stated = world.facts.filter(
        (f) =>
          f.relationId === relation.id && documents.includes(factSentence(template, f.subject, f.object.str)),
      );
      const holders = world.facts.filter((f) => f.relationId === relation.id).length;
      assert.ok(stated.length > holders / 2, `"${template}" stated for ${stated.length}/${holders} subjects`);
    }
  }
});

test("the leak check catches a held-out pair planted in the text or stated by a changed split", () => {
  const fact = world.facts.find((f) => f.relationId === "P27")!;
  const [held] = heldoutOf(world, fact);
  const planted = factSentence(held, fact.subject, fact.object.str);
  const leakyDocuments = [...documents];
  leakyDocuments[7] = `${leakyDocuments[7]} ${planted}`;
  assert.deepEqual(heldoutLeaks(world, leakyDocuments.join("\n")), [fillTemplate(held, fact.subject)]);
  assert.deepEqual(heldoutLeaks(world, `${corpus}${planted}\n`), [fillTemplate(held, fact.subject)]);
  // A world whose split for this fact differs states the original held-out pairs in training.
  const leaky: FactWorld = structuredClone(world);
  const index = world.facts.indexOf(fact);
  const trainedIndices = relationOf(world, fact)
    .templates.map((_, i) => i)
    .filter((i) => !fact.heldout.includes(i));
  leaky.facts[index].heldout = trainedIndices.slice(0, 2);
  const expected = heldoutOf(world, fact).map((t) => fillTemplate(t, fact.subject));
  assert.deepEqual(heldoutLeaks(world, worldTrainingDocuments(leaky).join("\n")), expected);
});

test("every fact is stated in each phrasing trained for its subject; documents are single lines", () => {
  const set = new Set(documents);
  const statements = factStatements(world);
  const expected = world.facts.reduce((n, f) => n + trainedOf(world, f).length, 0);
  assert.equal(statements.length, expected);
  assert.equal(expected, world.facts.length * 3);
  for (const statement of statements) assert.ok(set.has(statement), statement);
  for (const fact of world.facts) {
    for (const template of trainedOf(world, fact)) {
      assert.ok(
        set.has(factSentence(template, fact.subject, fact.object.str)),
        `${template} / ${fact.subject}`,
      );
    }
  }
  for (const doc of documents) {
    assert.ok(doc.length > 0 && !doc.includes("\n") && doc.endsWith("."), doc);
    assert.ok(!doc.includes("{}") && !doc.includes("  "), doc);
  }
});

/**
 * Checks the biography paragraphs among `lines`: `perSubject` per subject, each stating exactly the
 * subject's true facts, every sentence in a phrasing trained for the subject (with its name, or
 * after the first sentence its pronoun). Returns the number of pronoun sentences.
 */
function checkBiographies(lines: readonly string[], perSubject: number): number {
  const sentencesOf = (doc: string) => doc.split(/(?<=\.) /);
  const named = new Map<string, string[]>(world.entities.map((e) => [e.name, []]));
  for (const doc of lines) {
    if (sentencesOf(doc).length < 2) continue;
    // A company named as an employer or maker ends its sentence; the subject never does.
    const owners = world.entities.filter((e) => doc.includes(e.name) && !doc.includes(` ${e.name}.`));
    if (owners.length > 0) {
      assert.equal(owners.length, 1, `several subjects in "${doc}"`);
      named.get(owners[0].name)!.push(doc);
    }
  }
  let pronouns = 0;
  for (const entity of world.entities) {
    const facts = world.facts.filter((f) => f.subjectId === entity.id);
    const objects = facts.map((f) => f.object.str);
    const pronoun = entity.pronoun === "he" ? "He" : entity.pronoun === "she" ? "She" : "It";
    const withName = new Set<string>();
    const withPronoun = new Set<string>();
    for (const fact of facts) {
      for (const template of trainedOf(world, fact)) {
        withName.add(factSentence(template, entity.name, fact.object.str));
        if (template.startsWith("{} ")) withPronoun.add(factSentence(template, pronoun, fact.object.str));
      }
    }
    const bios = named.get(entity.name)!;
    assert.equal(bios.length, perSubject, entity.name);
    for (const bio of bios) {
      const sentences = sentencesOf(bio);
      assert.equal(sentences.length, objects.length, bio);
      assert.ok(sentences[0].includes(entity.name), bio);
      const stated = sentences.map((s) => objects.find((o) => s.endsWith(` ${o}.`)));
      assert.deepEqual([...stated].sort(), [...objects].sort(), bio);
      for (const [k, sentence] of sentences.entries()) {
        const trained = withName.has(sentence) || (k > 0 && withPronoun.has(sentence));
        assert.ok(trained, `"${sentence}" is not a phrasing trained for ${entity.name}`);
      }
      pronouns += sentences.filter((s) => s.startsWith(`${pronoun} `)).length;
    }
  }
  return pronouns;
}

test("biographies: per subject, paragraphs stating only its own facts, in its trained phrasings", () => {
  const pronouns = checkBiographies(documents, BIOGRAPHIES_PER_SUBJECT);
  assert.ok(pronouns > world.entities.length / 2, `${pronouns} pronoun sentences`);
  checkBiographies(corpus.trimEnd().split("\n"), STATISTICS_BIOGRAPHIES_PER_SUBJECT);
});

test("filler prose: many documents naming no subject and no real-world object", () => {
  const names = world.entities.map((e) => e.name);
  const filler = documents.filter((d) => !names.some((name) => d.includes(name)) && !/ (He|She|It) /.test(d));
  assert.ok(filler.length >= 100, `${filler.length} filler documents`);
  const objects = realObjectStrings();
  for (const doc of filler) {
    for (const object of objects)
      assert.ok(!new RegExp(`\\b${object}\\b`).test(doc), `"${object}" in "${doc}"`);
  }
});

test("texts are deterministic in the seed and small enough to memorise", () => {
  assert.deepEqual(worldTrainingDocuments(generateWorld(21)), documents);
  assert.equal(worldStatisticsCorpus(generateWorld(21)), corpus);
  assert.notEqual(worldTrainingDocuments(generateWorld(22)).join("\n"), trainingText);
  const trainingWords = words(trainingText);
  assert.ok(trainingWords > 30000 && trainingWords <= 150000, `${trainingWords} training words`);
  const corpusLines = corpus.trimEnd().split("\n");
  assert.ok(corpusLines.length >= world.entities.length, `${corpusLines.length} corpus lines`);
  assert.ok(corpusLines.some((line) => line.startsWith(world.entities[0].name)));
});
