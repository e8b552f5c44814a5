// Real-world geography the fact world draws objects from: countries with their main language,
// continent and a few large cities. Ids are Wikidata Q-ids (as CounterFact uses), written from
// memory for this synthetic world; they identify objects inside locedit, nothing looks them up.

import type { WorldObject } from "./types.js";

/** A country with the facts that keep a subject's other facts consistent with it. */
export interface Country {
  country: WorldObject;
  language: WorldObject;
  continent: WorldObject;
  cities: WorldObject[];
}

const o = (str: string, id: string): WorldObject => ({ str, id });

export const CONTINENTS = {
  europe: o("Europe", "Q46"),
  asia: o("Asia", "Q48"),
  africa: o("Africa", "Q15"),
  northAmerica: o("North America", "Q49"),
  southAmerica: o("South America", "Q18"),
  oceania: o("Oceania", "Q538"),
} as const;

export const LANGUAGES = {
  english: o("English", "Q1860"),
  french: o("French", "Q150"),
  german: o("German", "Q188"),
  italian: o("Italian", "Q652"),
  spanish: o("Spanish", "Q1321"),
  portuguese: o("Portuguese", "Q5146"),
  dutch: o("Dutch", "Q7411"),
  swedish: o("Swedish", "Q9027"),
  polish: o("Polish", "Q809"),
  russian: o("Russian", "Q7737"),
  greek: o("Greek", "Q9129"),
  japanese: o("Japanese", "Q5287"),
  chinese: o("Chinese", "Q7850"),
  hindi: o("Hindi", "Q1568"),
  turkish: o("Turkish", "Q256"),
  arabic: o("Arabic", "Q13955"),
  korean: o("Korean", "Q9176"),
  finnish: o("Finnish", "Q1412"),
  swahili: o("Swahili", "Q7838"),
} as const;

const L = LANGUAGES;
const C = CONTINENTS;

export const COUNTRIES: readonly Country[] = [
  {
    country: o("France", "Q142"),
    language: L.french,
    continent: C.europe,
    cities: [o("Paris", "Q90"), o("Lyon", "Q456"), o("Marseille", "Q23482")],
  },
  {
    country: o("Germany", "Q183"),
    language: L.german,
    continent: C.europe,
    cities: [o("Berlin", "Q64"), o("Munich", "Q1726"), o("Hamburg", "Q1055")],
  },
  {
    country: o("Italy", "Q38"),
    language: L.italian,
    continent: C.europe,
    cities: [o("Rome", "Q220"), o("Milan", "Q490"), o("Naples", "Q2634")],
  },
  {
    country: o("Spain", "Q29"),
    language: L.spanish,
    continent: C.europe,
    cities: [o("Madrid", "Q2807"), o("Barcelona", "Q1492"), o("Seville", "Q8717")],
  },
  {
    country: o("Portugal", "Q45"),
    language: L.portuguese,
    continent: C.europe,
    cities: [o("Lisbon", "Q597"), o("Porto", "Q36433")],
  },
  {
    country: o("the Netherlands", "Q55"),
    language: L.dutch,
    continent: C.europe,
    cities: [o("Amsterdam", "Q727"), o("Rotterdam", "Q34370")],
  },
  {
    country: o("Sweden", "Q34"),
    language: L.swedish,
    continent: C.europe,
    cities: [o("Stockholm", "Q1754"), o("Gothenburg", "Q25287")],
  },
  {
    country: o("Poland", "Q36"),
    language: L.polish,
    continent: C.europe,
    cities: [o("Warsaw", "Q270"), o("Krakow", "Q31487")],
  },
  {
    country: o("Russia", "Q159"),
    language: L.russian,
    continent: C.europe,
    cities: [o("Moscow", "Q649"), o("Saint Petersburg", "Q656")],
  },
  {
    country: o("Greece", "Q41"),
    language: L.greek,
    continent: C.europe,
    cities: [o("Athens", "Q1524"), o("Thessaloniki", "Q17151")],
  },
  {
    country: o("Finland", "Q33"),
    language: L.finnish,
    continent: C.europe,
    cities: [o("Helsinki", "Q1757"), o("Tampere", "Q40840")],
  },
  {
    country: o("the United Kingdom", "Q145"),
    language: L.english,
    continent: C.europe,
    cities: [o("London", "Q84"), o("Manchester", "Q18125")],
  },
  {
    country: o("Japan", "Q17"),
    language: L.japanese,
    continent: C.asia,
    cities: [o("Tokyo", "Q1490"), o("Osaka", "Q35765"), o("Kyoto", "Q34600")],
  },
  {
    country: o("China", "Q148"),
    language: L.chinese,
    continent: C.asia,
    cities: [o("Beijing", "Q956"), o("Shanghai", "Q8686")],
  },
  {
    country: o("India", "Q668"),
    language: L.hindi,
    continent: C.asia,
    cities: [o("Delhi", "Q1353"), o("Mumbai", "Q1156")],
  },
  {
    country: o("Turkey", "Q43"),
    language: L.turkish,
    continent: C.asia,
    cities: [o("Istanbul", "Q406"), o("Ankara", "Q3640")],
  },
  {
    country: o("South Korea", "Q884"),
    language: L.korean,
    continent: C.asia,
    cities: [o("Seoul", "Q8684"), o("Busan", "Q16520")],
  },
  {
    country: o("Egypt", "Q79"),
    language: L.arabic,
    continent: C.africa,
    cities: [o("Cairo", "Q85"), o("Alexandria", "Q87")],
  },
  {
    country: o("Kenya", "Q114"),
    language: L.swahili,
    continent: C.africa,
    cities: [o("Nairobi", "Q3870"), o("Mombasa", "Q124999")],
  },
  {
    country: o("Nigeria", "Q1033"),
    language: L.english,
    continent: C.africa,
    cities: [o("Lagos", "Q8673"), o("Abuja", "Q3787")],
  },
  {
    country: o("the United States", "Q30"),
    language: L.english,
    continent: C.northAmerica,
    cities: [o("Chicago", "Q1297"), o("Boston", "Q100"), o("Seattle", "Q5083")],
  },
  {
    country: o("Canada", "Q16"),
    language: L.english,
    continent: C.northAmerica,
    cities: [o("Toronto", "Q172"), o("Vancouver", "Q24639")],
  },
  {
    country: o("Mexico", "Q96"),
    language: L.spanish,
    continent: C.northAmerica,
    cities: [o("Guadalajara", "Q9022"), o("Monterrey", "Q81033")],
  },
  {
    country: o("Brazil", "Q155"),
    language: L.portuguese,
    continent: C.southAmerica,
    cities: [o("Rio de Janeiro", "Q8678"), o("Salvador", "Q36947")],
  },
  {
    country: o("Argentina", "Q414"),
    language: L.spanish,
    continent: C.southAmerica,
    cities: [o("Buenos Aires", "Q1486"), o("Rosario", "Q52535")],
  },
  {
    country: o("Australia", "Q408"),
    language: L.english,
    continent: C.oceania,
    cities: [o("Sydney", "Q3130"), o("Melbourne", "Q3141")],
  },
];

/** The country a city belongs to (by city id); throws for an unknown city. */
export function countryOfCity(cityId: string): Country {
  const found = COUNTRIES.find((c) => c.cities.some((city) => city.id === cityId));
  if (found === undefined) throw new Error(`fact world: unknown city id ${cityId}`);
  return found;
}

/** The country record of a country object (by id); throws for an unknown country. */
export function countryById(countryId: string): Country {
  const found = COUNTRIES.find((c) => c.country.id === countryId);
  if (found === undefined) throw new Error(`fact world: unknown country id ${countryId}`);
  return found;
}

/** Every city, in table order. */
export const CITIES: readonly WorldObject[] = COUNTRIES.flatMap((c) => c.cities);

/** Distinct languages and continents in first-use order (the relations' object sets). */
export const SPOKEN_LANGUAGES: readonly WorldObject[] = uniqueById(COUNTRIES.map((c) => c.language));
export const USED_CONTINENTS: readonly WorldObject[] = uniqueById(COUNTRIES.map((c) => c.continent));

function uniqueById(items: WorldObject[]): WorldObject[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.id) && seen.add(item.id) !== undefined);
}
