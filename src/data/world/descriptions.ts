// Words that go with each object of the world, for descriptive prose: a city is "a city in France,
// where people speak French", a sport is played "on a pitch, scoring goals". Prose about a subject
// then carries the vocabulary of its objects, so text generated about an edited subject can be
// checked for consistency with the new object (CounterFact's reference score compares generated
// text with texts about other holders of the new object; Meng et al. 2022, §3.3).

import { COUNTRIES, countryById, countryOfCity } from "./geography.js";
import type { ObjectSource } from "./relations.js";
import type { WorldObject } from "./types.js";

/** Descriptive phrases of the non-geographic objects, by object string. */
const PHRASES: Record<string, string> = {
  // occupations
  composer: "writing scores at a desk covered in sheet music",
  singer: "training the voice every morning before rehearsals",
  songwriter: "filling notebooks with lyrics and melodies",
  conductor: "leading an orchestra with a thin baton",
  physicist: "studying particles, energy and the laws of motion",
  chemist: "mixing compounds in a laboratory full of glass flasks",
  biologist: "studying cells, plants and animals under the microscope",
  mathematician: "proving theorems about numbers and shapes",
  geologist: "collecting rocks and reading the layers of the earth",
  novelist: "writing long novels with many chapters",
  poet: "writing poems with careful rhyme and rhythm",
  journalist: "reporting the news for a daily paper",
  playwright: "writing plays for the theatre stage",
  translator: "turning books from one language into another",
  // instruments
  piano: "with its black and white keys",
  violin: "with its four strings and a bow",
  guitar: "with its six strings and a wooden body",
  cello: "held between the knees and played with a bow",
  trumpet: "a brass horn with three valves",
  flute: "a silver pipe held sideways",
  saxophone: "a curved brass horn with a reed",
  organ: "with its pipes and pedals in a large hall",
  clarinet: "a black wooden pipe with a single reed",
  harp: "with its tall frame and many plucked strings",
  // music genres
  jazz: "with swing rhythms and long improvised solos",
  blues: "with sad lyrics and bent guitar notes",
  opera: "with grand voices, costumes and an orchestra",
  rock: "with loud electric guitars and drums",
  reggae: "with offbeat rhythms and deep bass lines",
  "hip hop": "with spoken rhymes over heavy beats",
  funk: "with tight grooves and a slap bass",
  soul: "with warm voices and gospel roots",
  // sports
  football: "kicking a ball across a grass pitch to score goals",
  basketball: "bouncing a ball and shooting at a high hoop",
  tennis: "hitting a ball over a net with a racket",
  baseball: "hitting a ball with a bat and running the bases",
  cricket: "bowling a hard ball at the wicket",
  golf: "hitting a small ball towards a hole on a long course",
  volleyball: "hitting a ball over a high net with both hands",
  rugby: "carrying an oval ball over the try line",
  "ice hockey": "skating on ice and shooting a puck with a stick",
  handball: "throwing a ball into the goal by hand",
};

/** The countries that speak a language, in table order. */
function speakersOf(languageId: string): string[] {
  return COUNTRIES.filter((c) => c.language.id === languageId).map((c) => c.country.str);
}

/** "A", "A and B", "A, B and C". */
export function listPhrase(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/**
 * A phrase about an object, read after it ("Paris, a city in France, where people speak French").
 * `companyCity` names a company's headquarters city (companies are objects too).
 */
export function objectDescription(
  source: ObjectSource,
  object: WorldObject,
  companyCity: (companyId: string) => WorldObject | undefined,
): string {
  switch (source) {
    case "cities": {
      const country = countryOfCity(object.id);
      return `a city in ${country.country.str}, where people speak ${country.language.str}`;
    }
    case "countries": {
      const country = countryById(object.id);
      return `a country in ${country.continent.str} whose people speak ${country.language.str}`;
    }
    case "languages":
      return `the language of ${listPhrase(speakersOf(object.id).slice(0, 3))}`;
    case "continents": {
      const countries = COUNTRIES.filter((c) => c.continent.id === object.id).map((c) => c.country.str);
      return `the continent of ${listPhrase(countries.slice(0, 3))}`;
    }
    case "companies": {
      const city = companyCity(object.id);
      return city ? `a company based in ${city.str}` : "a large company";
    }
    default: {
      const phrase = PHRASES[object.str];
      if (phrase === undefined)
        throw new Error(`fact world: no description for ${source} object "${object.str}"`);
      return phrase;
    }
  }
}
