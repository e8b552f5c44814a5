// Tests for the world's texts: every fact in every training phrasing, biographies, filler prose,
// the size budget, and — the point of held-out phrasings — that none of them leaks into the
// training documents or the statistics corpus.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  factStatements,
  fillTemplate,
  generateWorld,
  worldStatisticsCorpus,
  worldTrainingDocuments,
} from "../../../src/data/world/index.js";
import { BIOGRAPHIES_PER_SUBJECT } from "../../../src/data/world/documents.js";
import { realObjectStrings } from "../../../src/data/world/generate.js";
import type { FactWorld } from "../../../src/data/world/index.js";

const world = generateWorld(21);
const documents = worldTrainingDocuments(world);
const trainingText = documents.join("\n");
const corpus = worldStatisticsCorpus(world);

/**
 * The longest constant part of a template (around "{}"). Every filled prompt contains it, so its
 * absence from a text proves that no filling of the template occurs there.
 */
function fixedFragment(template: string): string {
  const [before, after] = template.split("{}");
  return before.length >= after.length ? before : after;
}

/** Held-out phrasings whose fixed fragment occurs in `text`. */
function heldoutLeaks(w: FactWorld, text: string): string[] {
  return w.relations.flatMap((r) => r.heldoutTemplates).filter((t) => text.includes(fixedFragment(t)));
}

const words = (text: string) => text.split(/\s+/).filter((w) => w.length > 0).length;

test("held-out phrasings never appear in the training documents or the statistics corpus", () => {
  assert.deepEqual(heldoutLeaks(world, trainingText), []);
  assert.deepEqual(heldoutLeaks(world, corpus), []);
  for (const relation of world.relations) {
    for (const template of relation.heldoutTemplates)
      assert.ok(fixedFragment(template).trim().length >= 8, template);
  }
});

test("the leak check catches a held-out phrasing moved into training", () => {
  const leaky: FactWorld = structuredClone(world);
  const relation = leaky.relations.find((r) => r.id === "P19")!;
  relation.trainTemplates.push(relation.heldoutTemplates[0]);
  const leakyText = worldTrainingDocuments(leaky).join("\n");
  assert.deepEqual(heldoutLeaks(leaky, leakyText), [relation.heldoutTemplates[0]]);
  const someone = leaky.facts.find((f) => f.relationId === "P19")!;
  assert.ok(leakyText.includes(fillTemplate(relation.heldoutTemplates[0], someone.subject)));
});

test("every fact is stated in every training phrasing; documents are single sentences-lines", () => {
  const set = new Set(documents);
  const statements = factStatements(world);
  const expected = world.facts.reduce(
    (n, f) => n + world.relations.find((r) => r.id === f.relationId)!.trainTemplates.length,
    0,
  );
  assert.equal(statements.length, expected);
  for (const statement of statements) assert.ok(set.has(statement), statement);
  for (const doc of documents) {
    assert.ok(doc.length > 0 && !doc.includes("\n") && doc.endsWith("."), doc);
    assert.ok(!doc.includes("{}") && !doc.includes("  "), doc);
  }
});

test("biographies: per subject, multi-sentence paragraphs stating only its own true facts", () => {
  const sentencesOf = (doc: string) => doc.split(/(?<=\.) /);
  const named = new Map<string, string[]>(world.entities.map((e) => [e.name, []]));
  for (const doc of documents) {
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
    const objects = world.facts.filter((f) => f.subjectId === entity.id).map((f) => f.object.str);
    const bios = named.get(entity.name)!;
    assert.equal(bios.length, BIOGRAPHIES_PER_SUBJECT, entity.name);
    for (const bio of bios) {
      const sentences = sentencesOf(bio);
      assert.equal(sentences.length, objects.length, bio);
      assert.ok(sentences[0].includes(entity.name), bio);
      const stated = sentences.map((s) => objects.find((o) => s.endsWith(` ${o}.`)));
      assert.deepEqual([...stated].sort(), [...objects].sort(), bio);
      pronouns += sentences.filter((s) =>
        s.startsWith(entity.pronoun === "he" ? "He " : entity.pronoun === "she" ? "She " : "It "),
      ).length;
    }
  }
  assert.ok(pronouns > world.entities.length / 2, `${pronouns} pronoun sentences`);
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
