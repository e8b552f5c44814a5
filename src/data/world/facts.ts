// Assigns every subject one object for each relation that applies to its kind, keeping the facts
// consistent where it is cheap: a person's citizenship is the country of their birthplace city and
// their native language is that country's language; a company's country is the country of its
// headquarters city; a town's continent is its country's continent; a product comes from the
// country of its manufacturer.

import type { Rng } from "../../util/random.js";
import { CITIES, COUNTRIES, USED_CONTINENTS, SPOKEN_LANGUAGES, countryOfCity } from "./geography.js";
import { isPersonKind } from "./entities.js";
import type { ObjectSource, RelationDefinition } from "./relations.js";
import { pick } from "./rng.js";
import type { Entity, Fact, Relation, WorldObject } from "./types.js";
import { INSTRUMENTS, MUSIC_GENRES, OCCUPATIONS, OCCUPATIONS_BY_KIND, SPORTS } from "./vocabulary.js";

/** The world's company entities as objects (employers, manufacturers). */
export function companyObjects(entities: readonly Entity[]): WorldObject[] {
  return entities.filter((e) => e.kind === "company").map((e) => ({ str: e.name, id: e.id }));
}

/** The object set of a relation source. */
export function objectsOf(source: ObjectSource, companies: readonly WorldObject[]): WorldObject[] {
  switch (source) {
    case "cities":
      return [...CITIES];
    case "countries":
      return COUNTRIES.map((c) => c.country);
    case "languages":
      return [...SPOKEN_LANGUAGES];
    case "continents":
      return [...USED_CONTINENTS];
    case "occupations":
      return [...OCCUPATIONS];
    case "instruments":
      return [...INSTRUMENTS];
    case "genres":
      return [...MUSIC_GENRES];
    case "sports":
      return [...SPORTS];
    case "companies":
      return [...companies];
  }
}

/** Instantiates relation definitions against the world's companies. */
export function buildRelations(
  definitions: readonly RelationDefinition[],
  entities: readonly Entity[],
): Relation[] {
  const companies = companyObjects(entities);
  return definitions.map((d) => ({
    id: d.id,
    label: d.label,
    subjectKinds: [...d.subjectKinds],
    objects: objectsOf(d.objectSource, companies),
    templates: [...d.templates],
    generationTemplates: [...d.generationTemplates],
  }));
}

/**
 * Every fact of the world: entities in order, relations in definition order within an entity (the
 * held-out phrasings are chosen afterwards, by holdOutPhrasings).
 */
export function assignFacts(
  rng: Rng,
  entities: readonly Entity[],
  relations: readonly Relation[],
): Omit<Fact, "heldout">[] {
  const companies = companyObjects(entities);
  const countryOfCompany = new Map<string, WorldObject>();
  const facts: Omit<Fact, "heldout">[] = [];
  for (const entity of entities) {
    const objects = objectsForEntity(rng, entity, companies, countryOfCompany);
    for (const relation of relations) {
      if (!relation.subjectKinds.includes(entity.kind)) continue;
      const object = objects.get(relation.id);
      if (object === undefined) {
        throw new Error(`fact world: no ${relation.id} object assigned to ${entity.kind} "${entity.name}"`);
      }
      facts.push({ subjectId: entity.id, subject: entity.name, relationId: relation.id, object });
    }
  }
  return facts;
}

function objectsForEntity(
  rng: Rng,
  entity: Entity,
  companies: readonly WorldObject[],
  countryOfCompany: Map<string, WorldObject>,
): Map<string, WorldObject> {
  const objects = new Map<string, WorldObject>();
  if (isPersonKind(entity.kind)) {
    const city = pick(rng, CITIES);
    const country = countryOfCity(city.id);
    objects.set("P19", city).set("P27", country.country).set("P103", country.language);
    const occupations = OCCUPATIONS_BY_KIND[entity.kind];
    if (occupations !== undefined) objects.set("P106", pick(rng, occupations));
  }
  switch (entity.kind) {
    case "musician":
      objects.set("P1303", pick(rng, INSTRUMENTS)).set("P136", pick(rng, MUSIC_GENRES));
      break;
    case "athlete":
      objects.set("P641", pick(rng, SPORTS));
      break;
    case "scientist":
    case "writer":
      objects.set("P108", pick(rng, companies));
      break;
    case "company": {
      const city = pick(rng, CITIES);
      const country = countryOfCity(city.id).country;
      countryOfCompany.set(entity.id, country);
      objects.set("P159", city).set("P17", country);
      break;
    }
    case "town": {
      const country = pick(rng, COUNTRIES);
      objects.set("P17", country.country).set("P30", country.continent);
      break;
    }
    case "product": {
      const maker = pick(rng, companies);
      const country = countryOfCompany.get(maker.id);
      if (country === undefined)
        throw new Error(`fact world: product "${entity.name}" before its maker's facts`);
      objects.set("P176", maker).set("P495", country);
      break;
    }
  }
  return objects;
}
