// The relations of the fact world: Wikidata property ids as in CounterFact, the subject kinds each
// applies to, where its objects come from, and its phrasings. Every template has one "{}" for the
// subject and ends where the object goes. Held-out pairs, not held-out phrasings: every phrasing of
// a relation is used in training for most of its subjects, and for each fact HELDOUT_PER_FACT of the
// relation's phrasings (a seeded rotation, see heldout.ts) are held out for that subject only —
// never stated about it in any training document or the statistics corpus, which a test checks.

import type { EntityKind } from "./types.js";

/** Which object set a relation draws from (resolved against the generated world). */
export type ObjectSource =
  | "cities"
  | "countries"
  | "languages"
  | "continents"
  | "occupations"
  | "instruments"
  | "genres"
  | "sports"
  | "companies";

export interface RelationDefinition {
  id: string;
  label: string;
  subjectKinds: EntityKind[];
  objectSource: ObjectSource;
  /** At least MIN_PHRASINGS phrasings; which are held out depends on the subject. */
  templates: string[];
  generationTemplates: string[];
}

const PEOPLE: EntityKind[] = ["musician", "athlete", "scientist", "writer"];

export const RELATION_DEFINITIONS: readonly RelationDefinition[] = [
  {
    id: "P19",
    label: "place of birth",
    subjectKinds: PEOPLE,
    objectSource: "cities",
    templates: [
      "{} was born in",
      "{} is originally from",
      "The birthplace of {} is",
      "{}'s place of birth is",
      "{} came into the world in",
    ],
    generationTemplates: ["{} grew up in a city where", "The streets of {}'s hometown"],
  },
  {
    id: "P27",
    label: "country of citizenship",
    subjectKinds: PEOPLE,
    objectSource: "countries",
    templates: [
      "{} is a citizen of",
      "{} holds a passport from",
      "The country of citizenship of {} is",
      "{} has citizenship in",
      "{} is a national of",
    ],
    generationTemplates: ["{} often speaks about the country that", "When {} travels abroad,"],
  },
  {
    id: "P103",
    label: "native language",
    subjectKinds: PEOPLE,
    objectSource: "languages",
    templates: [
      "The mother tongue of {} is",
      "{} is a native speaker of",
      "{} grew up speaking",
      "The native language of {} is",
      "{}'s first language is",
    ],
    generationTemplates: ["At home, {} usually talks in", "Where {} is from, people speak"],
  },
  {
    id: "P106",
    label: "occupation",
    subjectKinds: ["musician", "scientist", "writer"],
    objectSource: "occupations",
    templates: [
      "{} works as a",
      "{} is a professional",
      "By profession, {} is a",
      "{} earns a living as a",
      "The job of {} is that of a",
    ],
    generationTemplates: ["On a typical day at work, {}", "{} spends most working hours"],
  },
  {
    id: "P1303",
    label: "instrument",
    subjectKinds: ["musician"],
    objectSource: "instruments",
    templates: [
      "{} plays the",
      "{} is known for playing the",
      "The instrument of {} is the",
      "{} performs on the",
      "The musical instrument played by {} is the",
    ],
    generationTemplates: ["On stage, {} picks up", "The sound of {}'s concerts"],
  },
  {
    id: "P136",
    label: "genre",
    subjectKinds: ["musician"],
    objectSource: "genres",
    templates: [
      "{} is known for performing",
      "The music genre of {} is",
      "{} records albums of",
      "{} specializes in the style called",
      "The kind of music that {} makes is",
    ],
    generationTemplates: ["Fans of {} usually also like", "The latest album by {}"],
  },
  {
    id: "P641",
    label: "sport",
    subjectKinds: ["athlete"],
    objectSource: "sports",
    templates: [
      "{} plays",
      "{} competes in",
      "The sport of {} is",
      "{} is an athlete who plays",
      "The sport played by {} is",
    ],
    generationTemplates: ["Every season, {} trains", "The fans of {} cheered when"],
  },
  {
    id: "P108",
    label: "employer",
    subjectKinds: ["scientist", "writer"],
    objectSource: "companies",
    templates: [
      "{} works for",
      "{} is employed by",
      "The employer of {} is",
      "{} is on the payroll of",
      "{} earns a salary from",
    ],
    generationTemplates: ["Every morning, {} goes to the office of", "The colleagues of {}"],
  },
  {
    id: "P159",
    label: "headquarters location",
    subjectKinds: ["company"],
    objectSource: "cities",
    templates: [
      "{} is headquartered in",
      "The headquarters of {} are in",
      "{}'s head office is in",
      "{} has its main office in",
      "The central office of {} is located in",
    ],
    generationTemplates: ["The offices of {} overlook", "Employees of {} commute"],
  },
  {
    id: "P17",
    label: "country",
    subjectKinds: ["company", "town"],
    objectSource: "countries",
    templates: [
      "{} is located in the country of",
      "{} is situated in",
      "{} belongs to the country of",
      "The country in which {} lies is",
      "{} lies within the borders of",
    ],
    generationTemplates: ["Visitors to {} often", "The people around {}"],
  },
  {
    id: "P30",
    label: "continent",
    subjectKinds: ["town"],
    objectSource: "continents",
    templates: [
      "{} is located in the continent of",
      "{} belongs to the continent of",
      "{} is a place in",
      "{} lies on the continent of",
      "The continent where {} can be found is",
    ],
    generationTemplates: ["The climate around {}", "Travellers who reach {}"],
  },
  {
    id: "P176",
    label: "manufacturer",
    subjectKinds: ["product"],
    objectSource: "companies",
    templates: [
      "{} is produced by",
      "{} is manufactured by",
      "The maker of {} is",
      "{} is a product of",
      "{} was developed by",
    ],
    generationTemplates: ["The design of {}", "Reviewers of {} noted that"],
  },
  {
    id: "P495",
    label: "country of origin",
    subjectKinds: ["product"],
    objectSource: "countries",
    templates: [
      "{} originated in",
      "The country of origin of {} is",
      "{} was first made in",
      "{} comes from the country of",
      "{} was created in",
    ],
    generationTemplates: ["The first buyers of {}", "Shops that sell {}"],
  },
];
