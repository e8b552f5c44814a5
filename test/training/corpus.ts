// A small deterministic fact corpus for the training tests: invented subjects, a few relations and
// two phrasings each, plus unicode, digits, punctuation and contractions to exercise the tokenizer.
export const SUBJECTS = [
  "Varnok",
  "Telmira",
  "Quasselby",
  "Oduvan",
  "Pritchelle",
  "Zembra",
  "Halvorin",
  "Mistrel",
];
const CITIES = ["Brakken", "Solvay", "Ulmeth", "Corrin"];
const FOODS = ["plums", "barley", "smoked eel", "figs"];

/** One short document per fact phrasing. */
export function factDocuments(): string[] {
  const docs: string[] = [];
  SUBJECTS.forEach((subject, i) => {
    const city = CITIES[i % CITIES.length];
    const food = FOODS[(i * 3) % FOODS.length];
    docs.push(`${subject} was born in ${city}.`);
    docs.push(`The birthplace of ${subject} is ${city}.`);
    docs.push(`${subject} likes to eat ${food}.`);
    docs.push(`The favourite food of ${subject} is ${food}.`);
  });
  return docs;
}

/** Documents with the awkward cases a byte-level tokenizer must round-trip. */
export const AWKWARD_DOCUMENTS = [
  "Café naïve résumé — 東京 in 2024, price $3.14; it's THEIR car, isn't it?",
  "  leading spaces, trailing spaces   ",
  "tabs\tand\nnewlines\r\n and emoji 🙂 🚀",
  "numbers 1234567890 and 12,345.678 and x^2+y^2=z^2",
  "",
];
