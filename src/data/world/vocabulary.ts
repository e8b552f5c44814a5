// Real-world object sets that are not geography: occupations (per person kind, all starting with a
// consonant so "works as a …" reads well), instruments, music genres and sports. Ids are Wikidata
// Q-ids written from memory; inside locedit they only need to be stable and distinct.

import type { EntityKind, WorldObject } from "./types.js";

const o = (str: string, id: string): WorldObject => ({ str, id });

/** Occupations a person of each kind may have (athletes are described by their sport instead). */
export const OCCUPATIONS_BY_KIND: Partial<Record<EntityKind, readonly WorldObject[]>> = {
  musician: [
    o("composer", "Q36834"),
    o("singer", "Q177220"),
    o("songwriter", "Q753110"),
    o("conductor", "Q158852"),
  ],
  scientist: [
    o("physicist", "Q169470"),
    o("chemist", "Q593644"),
    o("biologist", "Q864503"),
    o("mathematician", "Q170790"),
    o("geologist", "Q520549"),
  ],
  writer: [
    o("novelist", "Q6625963"),
    o("poet", "Q49757"),
    o("journalist", "Q1930187"),
    o("playwright", "Q214917"),
    o("translator", "Q333634"),
  ],
};

/** Every occupation, kinds in the order above. */
export const OCCUPATIONS: readonly WorldObject[] = Object.values(OCCUPATIONS_BY_KIND).flatMap(
  (list) => list ?? [],
);

export const INSTRUMENTS: readonly WorldObject[] = [
  o("piano", "Q5994"),
  o("violin", "Q8355"),
  o("guitar", "Q6607"),
  o("cello", "Q8371"),
  o("trumpet", "Q8338"),
  o("flute", "Q11405"),
  o("saxophone", "Q9798"),
  o("organ", "Q1444"),
  o("clarinet", "Q8343"),
  o("harp", "Q47369"),
];

export const MUSIC_GENRES: readonly WorldObject[] = [
  o("jazz", "Q8341"),
  o("blues", "Q9759"),
  o("opera", "Q1344"),
  o("rock", "Q11399"),
  o("reggae", "Q9794"),
  o("hip hop", "Q11401"),
  o("funk", "Q164444"),
  o("soul", "Q131272"),
];

export const SPORTS: readonly WorldObject[] = [
  o("football", "Q2736"),
  o("basketball", "Q5372"),
  o("tennis", "Q847"),
  o("baseball", "Q5369"),
  o("cricket", "Q5375"),
  o("golf", "Q5377"),
  o("volleyball", "Q1734"),
  o("rugby", "Q5849"),
  o("ice hockey", "Q41466"),
  o("handball", "Q8418"),
];

/** Product types; a product's name ends with one (e.g. "Dravel Camera"). */
export const PRODUCT_TYPES: readonly string[] = [
  "Phone",
  "Camera",
  "Tablet",
  "Watch",
  "Laptop",
  "Speaker",
  "Drone",
  "Console",
];

/** Suffixes of company names (e.g. "Velmora Group"). */
export const COMPANY_SUFFIXES: readonly string[] = [
  "Group",
  "Industries",
  "Works",
  "Corporation",
  "Systems",
  "Holdings",
];
