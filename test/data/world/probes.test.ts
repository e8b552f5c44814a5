// Tests for knowledge probes: one per fact and phrasing, prompts without trailing space, answers
// the facts' objects; training probes are stated in the training text, held-out ones are not.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  generateWorld,
  worldKnowledgeProbes,
  worldTrainingDocuments,
} from "../../../src/data/world/index.js";

const world = generateWorld(41, { subjects: 150 });
const probes = worldKnowledgeProbes(world);

test("one probe per fact and phrasing, split by phrasing kind", () => {
  let train = 0;
  let heldout = 0;
  for (const fact of world.facts) {
    const relation = world.relations.find((r) => r.id === fact.relationId)!;
    train += relation.trainTemplates.length;
    heldout += relation.heldoutTemplates.length;
  }
  assert.equal(probes.filter((p) => p.split === "train").length, train);
  assert.equal(probes.filter((p) => p.split === "heldout").length, heldout);
  assert.equal(probes.length, train + heldout);
  assert.equal(new Set(probes.map((p) => p.prompt)).size, probes.length);
});

test("prompts hold the subject and no trailing space; answers are the facts' objects", () => {
  const answers = new Map(world.facts.map((f) => [`${f.subject}|${f.relationId}`, f.object.str]));
  for (const probe of probes) {
    assert.ok(
      probe.prompt.includes(probe.subject) && !probe.prompt.endsWith(" ") && !probe.prompt.includes("{}"),
    );
    assert.equal(probe.answer, answers.get(`${probe.subject}|${probe.relationId}`));
  }
});

test("training probes are stated verbatim in the training text; held-out probes never are", () => {
  const documents = new Set(worldTrainingDocuments(world));
  for (const probe of probes) {
    const statement = `${probe.prompt} ${probe.answer}.`;
    assert.equal(documents.has(statement), probe.split === "train", statement);
  }
});
