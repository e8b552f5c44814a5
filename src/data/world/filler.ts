// Filler prose: short generic sentences from a tiny grammar (weather, travel, daily life) that
// state no world fact and name no subject, city or country, so a model trained on the world sees
// ordinary text besides fact templates and its generations are not only templates.

import type { Rng } from "../../util/random.js";
import { pick } from "./rng.js";

const SLOTS: Record<string, readonly string[]> = {
  time: [
    "In the morning",
    "By noon",
    "In the evening",
    "Late at night",
    "On Sunday",
    "Last week",
    "Every spring",
    "In winter",
    "After lunch",
    "At dawn",
  ],
  sky: ["sky", "air", "wind", "weather", "light"],
  skyState: ["grey", "clear", "cold", "warm", "heavy", "bright", "calm", "damp"],
  place: [
    "market",
    "station",
    "harbour",
    "square",
    "library",
    "park",
    "bakery",
    "bridge",
    "garden",
    "school",
  ],
  placeState: ["quiet", "crowded", "empty", "noisy", "busy", "peaceful"],
  person: [
    "My neighbour",
    "The old man",
    "A young woman",
    "The teacher",
    "Our guide",
    "The baker",
    "My brother",
    "Her friend",
    "The children",
    "A tired driver",
  ],
  routine: [
    "made coffee",
    "read the paper",
    "fed the cat",
    "watered the plants",
    "cleaned the kitchen",
    "wrote a letter",
    "fixed the door",
    "packed a small bag",
  ],
  meal: ["breakfast", "lunch", "dinner", "a late supper", "the first meeting"],
  vehicle: ["train", "bus", "ferry", "night coach", "old tram"],
  destination: ["coast", "mountains", "next village", "lake", "border", "valley"],
  departure: ["early", "on time", "an hour late", "before sunrise", "in the rain"],
  thing: ["umbrella", "map", "ticket", "coat", "notebook", "bicycle", "basket"],
  feeling: ["happy", "sleepy", "hungry", "surprised", "relieved", "curious"],
  weatherEvent: ["It rained", "It snowed", "The fog lifted", "A storm passed", "The sun came out"],
  activity: [
    "walked along the river",
    "waited for the bus",
    "bought fresh bread",
    "took a long nap",
    "visited an old friend",
    "sat by the window",
  ],
};

const PATTERNS: readonly string[] = [
  "{time}, the {sky} was {skyState} and the {place} was {placeState}.",
  "{person} {routine} before {meal}.",
  "The {vehicle} to the {destination} left {departure}.",
  "{person} forgot the {thing} at the {place}.",
  "{weatherEvent} while {person.lower} {activity}.",
  "{time}, {person.lower} {activity}.",
  "{person} felt {feeling} after {meal}.",
  "Nobody at the {place} expected the {sky} to turn {skyState}.",
  "{person} bought a new {thing} and {activity}.",
  "We took the {vehicle} to the {destination} and came back {departure}.",
];

function fillPattern(rng: Rng, pattern: string): string {
  return pattern.replace(/\{(\w+)(\.lower)?\}/g, (_match, slot: string, lower?: string) => {
    const options = SLOTS[slot];
    if (options === undefined) throw new Error(`filler: unknown slot ${slot}`);
    const word = pick(rng, options);
    return lower ? word.charAt(0).toLowerCase() + word.slice(1) : word;
  });
}

/** `count` distinct filler sentences (fewer only if the grammar runs out after many tries). */
export function fillerSentences(rng: Rng, count: number): string[] {
  const seen = new Set<string>();
  for (let attempt = 0; seen.size < count && attempt < count * 20; attempt++) {
    seen.add(fillPattern(rng, pick(rng, PATTERNS)));
  }
  return [...seen];
}

/** Filler documents of 2–4 sentences each, one per line. */
export function fillerDocuments(rng: Rng, sentences: readonly string[]): string[] {
  const documents: string[] = [];
  for (let i = 0; i < sentences.length;) {
    const size = 2 + rng.int(3);
    documents.push(sentences.slice(i, i + size).join(" "));
    i += size;
  }
  return documents;
}
