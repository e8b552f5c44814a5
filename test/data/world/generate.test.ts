// Tests for src/data/world generation: determinism, subject counts per kind, the name rules
// (distinct, no substring of another name, clear of object strings) and fact consistency.
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateWorld, worldJson, MIN_SUBJECTS } from "../../../src/data/world/index.js";
import { countryById, countryOfCity } from "../../../src/data/world/geography.js";
import { realObjectStrings } from "../../../src/data/world/generate.js";
import type { Fact, FactWorld } from "../../../src/data/world/index.js";

const world = generateWorld(11);

function objectOf(w: FactWorld, subjectId: string, relationId: string): Fact["object"] | undefined {
  return w.facts.find((f) => f.subjectId === subjectId && f.relationId === relationId)?.object;
}

test("same seed gives byte-identical world JSON; another seed gives another world", () => {
  assert.equal(worldJson(generateWorld(11)), worldJson(world));
  const other = generateWorld(12);
  assert.notEqual(worldJson(other), worldJson(world));
  assert.notDeepEqual(
    other.entities.map((e) => e.name),
    world.entities.map((e) => e.name),
  );
});

test("default world: 400 subjects of every kind, ids unique, every applicable relation has one fact", () => {
  assert.equal(world.entities.length, 400);
  const kinds = new Set(world.entities.map((e) => e.kind));
  assert.deepEqual([...kinds].sort(), [
    "athlete",
    "company",
    "musician",
    "product",
    "scientist",
    "town",
    "writer",
  ]);
  assert.equal(new Set(world.entities.map((e) => e.id)).size, world.entities.length);
  for (const entity of world.entities) {
    const applicable = world.relations.filter((r) => r.subjectKinds.includes(entity.kind)).map((r) => r.id);
    const stated = world.facts.filter((f) => f.subjectId === entity.id).map((f) => f.relationId);
    assert.deepEqual(stated, applicable, `${entity.kind} ${entity.name}`);
    assert.equal(entity.pronoun === "it", ["company", "product", "town"].includes(entity.kind), entity.name);
  }
  for (const fact of world.facts) {
    const relation = world.relations.find((r) => r.id === fact.relationId)!;
    assert.ok(
      relation.objects.some((o) => o.id === fact.object.id && o.str === fact.object.str),
      `${fact.subject} ${fact.relationId} ${fact.object.str} outside the relation's object set`,
    );
  }
});

test("the subjects option sets the count; too small a world is refused", () => {
  const small = generateWorld(3, { subjects: MIN_SUBJECTS });
  assert.equal(small.entities.length, MIN_SUBJECTS);
  assert.equal(generateWorld(3, { subjects: 555 }).entities.length, 555);
  assert.throws(() => generateWorld(3, { subjects: MIN_SUBJECTS - 1 }), /subjects must be an integer/);
  assert.throws(() => generateWorld(Number.NaN), /finite/);
});

test("names are distinct, none is a substring of another, none touches an object string", () => {
  for (const w of [world, generateWorld(5, { subjects: 600 })]) {
    const names = w.entities.map((e) => e.name.toLowerCase());
    assert.equal(new Set(names).size, names.length);
    for (let i = 0; i < names.length; i++) {
      for (let j = 0; j < names.length; j++) {
        if (i !== j) assert.ok(!names[j].includes(names[i]), `"${names[i]}" inside "${names[j]}"`);
      }
      for (const object of realObjectStrings().map((s) => s.toLowerCase())) {
        assert.ok(
          !names[i].includes(object) && !object.includes(names[i]),
          `"${names[i]}" vs object "${object}"`,
        );
      }
      assert.match(w.entities[i].name, /^[A-Z][a-z]+( [A-Z][a-z]+)?$/);
    }
  }
});

test("facts are consistent: citizenship and language follow the birthplace, countries follow cities", () => {
  let checked = 0;
  for (const entity of world.entities) {
    const get = (relationId: string) => objectOf(world, entity.id, relationId);
    if (get("P19") !== undefined) {
      const country = countryOfCity(get("P19")!.id);
      assert.equal(get("P27")?.id, country.country.id, entity.name);
      assert.equal(get("P103")?.id, country.language.id, entity.name);
      checked++;
    }
    if (entity.kind === "company") {
      assert.equal(get("P17")?.id, countryOfCity(get("P159")!.id).country.id, entity.name);
      checked++;
    }
    if (entity.kind === "town") {
      assert.equal(get("P30")?.id, countryById(get("P17")!.id).continent.id, entity.name);
      checked++;
    }
    if (entity.kind === "product") {
      const maker = get("P176")!;
      assert.ok(
        world.entities.some((e) => e.id === maker.id && e.kind === "company" && e.name === maker.str),
      );
      assert.equal(get("P495")?.id, objectOf(world, maker.id, "P17")?.id, entity.name);
      checked++;
    }
  }
  assert.equal(checked, world.entities.length);
});

test("relations: Wikidata-style ids, ≥ 3 training and ≥ 2 held-out phrasings, one {} each, none shared", () => {
  assert.ok(world.relations.length >= 10);
  assert.equal(new Set(world.relations.map((r) => r.id)).size, world.relations.length);
  for (const relation of world.relations) {
    assert.match(relation.id, /^P\d+$/);
    assert.ok(relation.trainTemplates.length >= 3, relation.id);
    assert.ok(relation.heldoutTemplates.length >= 2, relation.id);
    const all = [...relation.trainTemplates, ...relation.heldoutTemplates, ...relation.generationTemplates];
    assert.equal(new Set(all).size, all.length, relation.id);
    for (const template of all) assert.equal(template.split("{}").length, 2, template);
    for (const template of [...relation.trainTemplates, ...relation.heldoutTemplates]) {
      assert.ok(!template.endsWith(" ") && !template.endsWith("."), template);
    }
    assert.equal(new Set(relation.objects.map((o) => o.id)).size, relation.objects.length, relation.id);
    assert.equal(new Set(relation.objects.map((o) => o.str)).size, relation.objects.length, relation.id);
  }
});
