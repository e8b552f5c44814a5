// The relations of the fact world: Wikidata property ids as in CounterFact, the subject kinds each
// applies to, where its objects come from, and its phrasings. Every template has one "{}" for the
// subject and ends where the object goes. Training templates feed the training text; held-out
// templates are paraphrases used only to measure generalisation: the fixed wording of each (its
// longest part around "{}") must never occur in any training text, which a test checks.

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
  trainTemplates: string[];
  heldoutTemplates: string[];
  generationTemplates: string[];
}

const PEOPLE: EntityKind[] = ["musician", "athlete", "scientist", "writer"];

export const RELATION_DEFINITIONS: readonly RelationDefinition[] = [
  {
    id: "P19",
    label: "place of birth",
    subjectKinds: PEOPLE,
    objectSource: "cities",
    trainTemplates: ["{} was born in", "{} is originally from", "The birthplace of {} is"],
    heldoutTemplates: ["{}'s place of birth is", "{} came into the world in"],
    generationTemplates: ["{} grew up in a city where", "The streets of {}'s hometown"],
  },
  {
    id: "P27",
    label: "country of citizenship",
    subjectKinds: PEOPLE,
    objectSource: "countries",
    trainTemplates: ["{} is a citizen of", "{} holds a passport from", "The country of citizenship of {} is"],
    heldoutTemplates: ["{} has citizenship in", "{} is a national of"],
    generationTemplates: ["{} often speaks about the country that", "When {} travels abroad,"],
  },
  {
    id: "P103",
    label: "native language",
    subjectKinds: PEOPLE,
    objectSource: "languages",
    trainTemplates: ["The mother tongue of {} is", "{} is a native speaker of", "{} grew up speaking"],
    heldoutTemplates: ["The native language of {} is", "{}'s first language is"],
    generationTemplates: ["At home, {} usually talks in", "Where {} is from, people speak"],
  },
  {
    id: "P106",
    label: "occupation",
    subjectKinds: ["musician", "scientist", "writer"],
    objectSource: "occupations",
    trainTemplates: ["{} works as a", "{} is a professional", "By profession, {} is a"],
    heldoutTemplates: ["{} earns a living as a", "The job of {} is that of a"],
    generationTemplates: ["On a typical day at work, {}", "{} spends most working hours"],
  },
  {
    id: "P1303",
    label: "instrument",
    subjectKinds: ["musician"],
    objectSource: "instruments",
    trainTemplates: ["{} plays the", "{} is known for playing the", "The instrument of {} is the"],
    heldoutTemplates: ["{} performs on the", "The musical instrument played by {} is the"],
    generationTemplates: ["On stage, {} picks up", "The sound of {}'s concerts"],
  },
  {
    id: "P136",
    label: "genre",
    subjectKinds: ["musician"],
    objectSource: "genres",
    trainTemplates: ["{} is known for performing", "The music genre of {} is", "{} records albums of"],
    heldoutTemplates: ["{} specializes in the style called", "The kind of music that {} makes is"],
    generationTemplates: ["Fans of {} usually also like", "The latest album by {}"],
  },
  {
    id: "P641",
    label: "sport",
    subjectKinds: ["athlete"],
    objectSource: "sports",
    trainTemplates: ["{} plays", "{} competes in", "The sport of {} is"],
    heldoutTemplates: ["{} is an athlete who plays", "The sport played by {} is"],
    generationTemplates: ["Every season, {} trains", "The fans of {} cheered when"],
  },
  {
    id: "P108",
    label: "employer",
    subjectKinds: ["scientist", "writer"],
    objectSource: "companies",
    trainTemplates: ["{} works for", "{} is employed by", "The employer of {} is"],
    heldoutTemplates: ["{} is on the payroll of", "{} earns a salary from"],
    generationTemplates: ["Every morning, {} goes to the office of", "The colleagues of {}"],
  },
  {
    id: "P159",
    label: "headquarters location",
    subjectKinds: ["company"],
    objectSource: "cities",
    trainTemplates: ["{} is headquartered in", "The headquarters of {} are in", "{}'s head office is in"],
    heldoutTemplates: ["{} has its main office in", "The central office of {} is located in"],
    generationTemplates: ["The offices of {} overlook", "Employees of {} commute"],
  },
  {
    id: "P17",
    label: "country",
    subjectKinds: ["company", "town"],
    objectSource: "countries",
    trainTemplates: ["{} is located in the country of", "{} is situated in", "{} belongs to the country of"],
    heldoutTemplates: ["The country in which {} lies is", "{} lies within the borders of"],
    generationTemplates: ["Visitors to {} often", "The people around {}"],
  },
  {
    id: "P30",
    label: "continent",
    subjectKinds: ["town"],
    objectSource: "continents",
    trainTemplates: [
      "{} is located in the continent of",
      "{} belongs to the continent of",
      "{} is a place in",
    ],
    heldoutTemplates: ["{} lies on the continent of", "The continent where {} can be found is"],
    generationTemplates: ["The climate around {}", "Travellers who reach {}"],
  },
  {
    id: "P176",
    label: "manufacturer",
    subjectKinds: ["product"],
    objectSource: "companies",
    trainTemplates: ["{} is produced by", "{} is manufactured by", "The maker of {} is"],
    heldoutTemplates: ["{} is a product of", "{} was developed by"],
    generationTemplates: ["The design of {}", "Reviewers of {} noted that"],
  },
  {
    id: "P495",
    label: "country of origin",
    subjectKinds: ["product"],
    objectSource: "countries",
    trainTemplates: ["{} originated in", "The country of origin of {} is", "{} was first made in"],
    heldoutTemplates: ["{} comes from the country of", "{} was created in"],
    generationTemplates: ["The first buyers of {}", "Shops that sell {}"],
  },
];
