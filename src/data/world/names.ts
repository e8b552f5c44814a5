// Pronounceable fictional names built from syllables (onset + vowel + coda), and the registry that
// keeps every subject name distinct: no name is a substring of another (so one subject's prompt
// never contains another subject), and no name contains or is contained in an object string
// (so "Parisel" or "Rockan" cannot blur a subject with an answer). Callers keep two registries:
// one of full names and one of core words (surnames, town and brand names), so cores never repeat.

import type { Rng } from "../../util/random.js";
import { pick } from "./rng.js";

// Repeated entries weight the draw: plain consonant-vowel syllables dominate, clusters are rare.
const ONSETS = [
  "b",
  "d",
  "f",
  "g",
  "k",
  "l",
  "m",
  "n",
  "p",
  "r",
  "s",
  "t",
  "v",
  "z",
  "h",
  "j",
  "b",
  "d",
  "k",
  "l",
  "m",
  "n",
  "r",
  "s",
  "t",
  "v",
  "br",
  "dr",
  "tr",
  "st",
  "th",
  "sh",
];
const VOWELS = ["a", "e", "i", "o", "u", "a", "e", "o", "a", "e", "i", "o", "ai", "ei"];
const INNER_CODAS = ["", "", "", "", "n", "r", "l"];
const FINAL_CODAS = ["", "", "n", "r", "l", "s", "m", "k", "th", "n", "r"];
const FEMININE_ENDINGS = ["a", "ia", "ina", "ela", "ara"];

/** A capitalised word of `syllables` syllables, e.g. "Velorin". */
export function syllableWord(rng: Rng, syllables: number): string {
  let word = "";
  for (let i = 0; i < syllables; i++) {
    const last = i === syllables - 1;
    word += pick(rng, ONSETS) + pick(rng, VOWELS) + pick(rng, last ? FINAL_CODAS : INNER_CODAS);
  }
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** A first name: feminine names end in a vowel ending, masculine ones in a consonant. */
export function firstName(rng: Rng, pronoun: "he" | "she"): string {
  if (pronoun === "she") {
    const onset = pick(rng, ONSETS);
    const stem = onset.charAt(0).toUpperCase() + onset.slice(1) + pick(rng, ["a", "e", "i", "o", "u"]);
    return stem + pick(rng, ["l", "r", "n", "v", "s", "m"]) + pick(rng, FEMININE_ENDINGS);
  }
  let name = syllableWord(rng, 2);
  if (/[aeiou]$/.test(name)) name += pick(rng, ["n", "r", "l", "s", "k"]);
  return name;
}

/** Keeps the names in use and rejects any that would clash with them or with an object string. */
export class NameRegistry {
  private readonly names: string[] = [];
  private readonly lowered: string[] = [];
  private readonly objects: string[];

  constructor(objectStrings: readonly string[]) {
    this.objects = objectStrings.map((s) => s.toLowerCase());
  }

  /** Whether `name` may be used: no substring relation with a taken name or an object string. */
  accepts(name: string): boolean {
    const low = name.toLowerCase();
    if (low.length < 4) return false;
    for (const other of this.lowered) if (other.includes(low) || low.includes(other)) return false;
    for (const object of this.objects) if (object.includes(low) || low.includes(object)) return false;
    return true;
  }

  /** Records `name` as taken; throws if it was not acceptable. */
  add(name: string): void {
    if (!this.accepts(name))
      throw new Error(`fact world: name "${name}" clashes with a taken name or an object`);
    this.names.push(name);
    this.lowered.push(name.toLowerCase());
  }

  /** Every claimed name, in claim order. */
  all(): readonly string[] {
    return this.names;
  }
}
