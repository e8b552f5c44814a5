// Tests for knowledge probes: one per fact and phrasing, prompts without trailing space, answers
// the facts' objects; "train" probes are stated in the training text, "heldout" probes — the
// held-out (subject, phrasing) pairs — are not, though their phrasings are for other subjects.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  fillTemplate,
  generateWorld,
  worldKnowledgeProbes,
  worldTrainingDocuments,
} from "../../../src/data/world/index.js";

const world = generateWorld(41, { subjects: 150 });
const probes = worldKnowledgeProbes(world);

test("one probe per fact and phrasing, split by the fact's held-out pairs", () => {
  let train = 0;
  let heldout = 0;
  for (const fact of world.facts) {
    const relation = world.relations.find((r) => r.id === fact.relationId)!;
    train += relation.templates.length - fact.heldout.length;
    heldout += fact.heldout.length;
    const mine = probes.filter((p) => p.subject === fact.subject && p.relationId === fact.relationId);
    assert.deepEqual(
      mine.filter((p) => p.split === "heldout").map((p) => p.prompt),
      fact.heldout.map((i) => fillTemplate(relation.templates[i], fact.subject)),
    );
  }
  assert.equal(heldout, 2 * world.facts.length);
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
  const documents = worldTrainingDocuments(world);
  const set = new Set(documents);
  const text = documents.join("\n");
  for (const probe of probes) {
    const statement = `${probe.prompt} ${probe.answer}.`;
    assert.equal(set.has(statement), probe.split === "train", statement);
    if (probe.split === "heldout") assert.ok(!text.includes(probe.prompt), probe.prompt);
  }
  // Every phrasing is a held-out probe for some subjects and a training probe for others.
  for (const relation of world.relations) {
    for (const template of relation.templates) {
      const splits = new Set(
        probes
          .filter((p) => p.relationId === relation.id && p.prompt === fillTemplate(template, p.subject))
          .map((p) => p.split),
      );
      assert.deepEqual([...splits].sort(), ["heldout", "train"], `${relation.id} "${template}"`);
    }
  }
});
