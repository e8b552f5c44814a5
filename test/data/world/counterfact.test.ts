// Tests for CounterFact-format records from the fact world: exact field names and types, the
// rewrite's targets, and that paraphrase, neighbourhood and attribute prompts mean what
// CounterFact says they mean (checked against the world's facts, not against the generator):
// paraphrases are the subject's held-out pairs, every other prompt a pair trained for its subject.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  counterfactRecords,
  eligibleRecordCount,
  fillTemplate,
  generateWorld,
} from "../../../src/data/world/index.js";
import type { CounterFactRecord } from "../../../src/data/world/index.js";

const world = generateWorld(31);
const records = counterfactRecords(world, { count: 300, seed: 4 });

/**
 * Every filled prompt of a (subject, phrasing) pair trained for that subject, and of a held-out
 * pair → the subject and the relation whose fact it asks for.
 */
const trainingPrompts = new Map<string, { subject: string; relationId: string }>();
const heldoutPrompts = new Map<string, { subject: string; relationId: string }>();
/** Templates trained for each "subject|relation". */
const trainedTemplates = new Map<string, string[]>();
for (const fact of world.facts) {
  const relation = world.relations.find((r) => r.id === fact.relationId)!;
  const entry = { subject: fact.subject, relationId: fact.relationId };
  relation.templates.forEach((t, i) =>
    (fact.heldout.includes(i) ? heldoutPrompts : trainingPrompts).set(fillTemplate(t, fact.subject), entry),
  );
  trainedTemplates.set(
    `${fact.subject}|${fact.relationId}`,
    relation.templates.filter((_, i) => !fact.heldout.includes(i)),
  );
}
const objects = new Map(world.facts.map((f) => [`${f.subject}|${f.relationId}`, f.object]));
const objectOf = (subject: string, relationId: string) => objects.get(`${subject}|${relationId}`);

test("records are deterministic in (world, seed) and change with the seed", () => {
  assert.equal(
    JSON.stringify(counterfactRecords(generateWorld(31), { count: 300, seed: 4 })),
    JSON.stringify(records),
  );
  assert.notEqual(
    JSON.stringify(counterfactRecords(world, { count: 300, seed: 5 })),
    JSON.stringify(records),
  );
  assert.deepEqual(counterfactRecords(world, { count: 0, seed: 4 }), []);
});

test("records have exactly CounterFact's fields and types", () => {
  assert.equal(records.length, 300);
  assert.deepEqual(
    records.map((r) => r.case_id),
    records.map((_, i) => i),
  );
  for (const record of records) {
    assert.deepEqual(Object.keys(record), [
      "case_id",
      "requested_rewrite",
      "paraphrase_prompts",
      "neighborhood_prompts",
      "attribute_prompts",
      "generation_prompts",
    ]);
    const rewrite = record.requested_rewrite;
    assert.deepEqual(Object.keys(rewrite), ["prompt", "relation_id", "target_new", "target_true", "subject"]);
    for (const target of [rewrite.target_new, rewrite.target_true]) {
      assert.deepEqual(Object.keys(target), ["str", "id"]);
      assert.equal(typeof target.str, "string");
      assert.ok(target.str.length > 0 && target.str.trim() === target.str, `"${target.str}"`);
      assert.match(target.id, /^[QW]\d+$/);
    }
    for (const list of [record.paraphrase_prompts, record.neighborhood_prompts, record.attribute_prompts]) {
      assert.ok(list.every((p) => typeof p === "string" && p.length > 0 && !p.endsWith(" ")));
    }
  }
});

test("the rewrite: a phrasing trained for the subject, the true object, a different new object", () => {
  const seen = new Set<string>();
  for (const { requested_rewrite: rw } of records) {
    const relation = world.relations.find((r) => r.id === rw.relation_id)!;
    assert.ok(relation.templates.includes(rw.prompt), rw.prompt);
    assert.ok(trainedTemplates.get(`${rw.subject}|${rw.relation_id}`)!.includes(rw.prompt), rw.prompt);
    assert.ok(trainingPrompts.has(fillTemplate(rw.prompt, rw.subject)), rw.prompt);
    assert.equal(rw.prompt.split("{}").length, 2);
    assert.deepEqual(objectOf(rw.subject, rw.relation_id), rw.target_true);
    assert.notEqual(rw.target_new.id, rw.target_true.id);
    assert.notEqual(rw.target_new.str, rw.target_true.str);
    assert.ok(relation.objects.some((o) => o.id === rw.target_new.id && o.str === rw.target_new.str));
    const key = `${rw.subject}|${rw.relation_id}`;
    assert.ok(!seen.has(key), `fact edited twice: ${key}`);
    seen.add(key);
  }
});

test("paraphrases are the subject's two held-out (subject, phrasing) pairs of the relation", () => {
  for (const record of records) {
    const rw = record.requested_rewrite;
    assert.equal(record.paraphrase_prompts.length, 2);
    assert.equal(new Set(record.paraphrase_prompts).size, 2);
    const fact = world.facts.find((f) => f.subject === rw.subject && f.relationId === rw.relation_id)!;
    const relation = world.relations.find((r) => r.id === rw.relation_id)!;
    assert.deepEqual(
      [...record.paraphrase_prompts].sort(),
      fact.heldout.map((i) => fillTemplate(relation.templates[i], rw.subject)).sort(),
    );
    for (const prompt of record.paraphrase_prompts) {
      assert.deepEqual(
        heldoutPrompts.get(prompt),
        { subject: rw.subject, relationId: rw.relation_id },
        prompt,
      );
    }
  }
});

test("neighbours are other subjects with the same true object; attribute subjects hold target_new", () => {
  const check = (record: CounterFactRecord, prompts: string[], expectedObjectId: string) => {
    const rw = record.requested_rewrite;
    assert.equal(prompts.length, 10);
    assert.equal(new Set(prompts).size, 10, `duplicate prompts in case ${record.case_id}`);
    const subjects = new Set<string>();
    for (const prompt of prompts) {
      const asked = trainingPrompts.get(prompt);
      assert.ok(asked !== undefined, `"${prompt}" is not a phrasing trained for a world fact's subject`);
      assert.equal(asked.relationId, rw.relation_id, prompt);
      assert.notEqual(asked.subject, rw.subject, prompt);
      assert.ok(!prompt.includes(rw.subject), prompt);
      assert.equal(objectOf(asked.subject, rw.relation_id)?.id, expectedObjectId, prompt);
      subjects.add(asked.subject);
    }
    return subjects.size;
  };
  let distinct = 0;
  for (const record of records) {
    distinct += check(record, record.neighborhood_prompts, record.requested_rewrite.target_true.id);
    check(record, record.attribute_prompts, record.requested_rewrite.target_new.id);
    assert.ok(record.generation_prompts.length >= 3);
    for (const p of record.generation_prompts) assert.ok(p.includes(record.requested_rewrite.subject), p);
  }
  // Neighbours are spread over subjects before a subject is asked twice.
  assert.ok(distinct / records.length > 5, `${distinct / records.length} distinct neighbours per record`);
});

test("counts beyond the eligible facts are refused", () => {
  const available = eligibleRecordCount(world);
  assert.ok(available >= 500 && available <= world.facts.length, `${available} eligible`);
  assert.equal(counterfactRecords(world, { count: available, seed: 1 }).length, available);
  assert.throws(
    () => counterfactRecords(world, { count: available + 1, seed: 1 }),
    /count must be an integer/,
  );
  assert.throws(() => counterfactRecords(world, { count: 2.5, seed: 1 }), /count must be an integer/);
});
