// TF-IDF vectors and their cosine, as the ROME/MEMIT consistency metric computes them (Meng et al.
// 2022, `eval_utils_counterfact.py::tfidf_similarity` with the vectorizer of `dsets/tfidf_stats.py`,
// which is scikit-learn's TfidfVectorizer with its defaults):
//   terms   = lower-cased runs of ≥ 2 word characters (token_pattern (?u)\b\w\w+\b);
//   idf(t)  = ln((1 + n) / (1 + df(t))) + 1          (smooth_idf, n documents, df(t) containing t);
//   v(x)_t  = count of t in x · idf(t), then v / ‖v‖₂ (terms outside the vocabulary are dropped);
//   cos(a, b) = v(a)·v(b) / (‖v(a)‖ ‖v(b)‖).
// The published vocabulary (`tfidf_vocab.json`, term → column) and `idf.npy` load as they are; else
// `fitTfidf` fits both on the user's documents. A text with no vocabulary term has a zero vector,
// where the reference's cosine is 0/0 = NaN; locedit scores it 0 (nothing in common).
import { readFileSync } from "node:fs";
import { readNpy } from "../../io/npy.js";
import { parseJsonText } from "../../io/json-text.js";
import { describeValue, isPlainObject } from "../../io/json-values.js";

export interface TfidfModel {
  /** term → column, as sklearn's `vocabulary_` */
  vocabulary: Map<string, number>;
  /** idf per column, as sklearn's `idf_` */
  idf: Float64Array;
}

/** A word character as Python's `\w` on str: a letter, a number or the underscore. */
const TERM_PATTERN = /[\p{L}\p{N}_]{2,}/gu;

/** The terms sklearn's default analyzer yields: lower-cased, runs of ≥ 2 word characters. */
export function tfidfTerms(text: string): string[] {
  return text.toLowerCase().match(TERM_PATTERN) ?? [];
}

/** Fits vocabulary (sorted terms) and smoothed idf on `documents`, as TfidfVectorizer.fit. */
export function fitTfidf(documents: readonly string[]): TfidfModel {
  if (documents.length === 0) throw new Error("fitTfidf: no documents to fit the vocabulary on");
  const documentFrequency = new Map<string, number>();
  for (const document of documents)
    for (const term of new Set(tfidfTerms(document)))
      documentFrequency.set(term, (documentFrequency.get(term) ?? 0) + 1);
  if (documentFrequency.size === 0)
    throw new Error("fitTfidf: the documents contain no term (no run of two or more word characters)");
  // sklearn sorts the vocabulary by the terms' code points (Python string order).
  const terms = [...documentFrequency.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const n = documents.length;
  const idf = Float64Array.from(terms, (t) => Math.log((1 + n) / (1 + documentFrequency.get(t)!)) + 1);
  return { vocabulary: new Map(terms.map((t, i) => [t, i])), idf };
}

/** The L2-normalised TF-IDF vector of `text` as a sparse column → value map (empty when no term). */
export function tfidfVector(text: string, model: TfidfModel): Map<number, number> {
  const counts = new Map<number, number>();
  for (const term of tfidfTerms(text)) {
    const column = model.vocabulary.get(term);
    if (column !== undefined) counts.set(column, (counts.get(column) ?? 0) + 1);
  }
  let squares = 0;
  for (const [column, count] of counts) {
    const value = count * model.idf[column];
    counts.set(column, value);
    squares += value * value;
  }
  const norm = Math.sqrt(squares);
  if (norm > 0) for (const [column, value] of counts) counts.set(column, value / norm);
  return counts;
}

/** Cosine of the TF-IDF vectors of `a` and `b` (0 when either has no vocabulary term). */
export function tfidfCosine(a: string, b: string, model: TfidfModel): number {
  const va = tfidfVector(a, model);
  const vb = tfidfVector(b, model);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [column, value] of va) {
    na += value * value;
    dot += value * (vb.get(column) ?? 0);
  }
  for (const value of vb.values()) nb += value * value;
  return na > 0 && nb > 0 ? dot / Math.sqrt(na) / Math.sqrt(nb) : 0;
}

/** Loads the published `tfidf_vocab.json` (term → column) and `idf.npy` (one idf per column). */
export function readTfidfFiles(vocabPath: string, idfPath: string): TfidfModel {
  let text: string;
  try {
    text = readFileSync(vocabPath, "utf8");
  } catch (error) {
    throw new Error(`cannot read the TF-IDF vocabulary ${vocabPath}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const json = parseJsonText(text, vocabPath);
  if (!isPlainObject(json))
    throw new Error(`${vocabPath}: expected a JSON object {term: column}, got ${describeValue(json)}`);
  const { data: idf, shape } = readNpy(idfPath);
  if (shape.length !== 1)
    throw new Error(`${idfPath}: expected a 1-D idf array, got shape (${shape.join(", ")})`);
  const vocabulary = new Map<string, number>();
  const owner = new Map<number, string>();
  for (const [term, column] of Object.entries(json)) {
    if (!Number.isSafeInteger(column) || (column as number) < 0 || (column as number) >= idf.length)
      throw new Error(
        `${vocabPath}: term ${JSON.stringify(term)} has column ${JSON.stringify(column)}; ` +
          `expected an integer in [0, ${idf.length}) (the length of ${idfPath})`,
      );
    const earlier = owner.get(column as number);
    if (earlier !== undefined)
      throw new Error(
        `${vocabPath}: terms ${JSON.stringify(earlier)} and ${JSON.stringify(term)} share column ${column}`,
      );
    owner.set(column as number, term);
    vocabulary.set(term, column as number);
  }
  if (vocabulary.size === 0) throw new Error(`${vocabPath}: the vocabulary is empty`);
  idf.forEach((value, i) => {
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${idfPath}: idf[${i}] is ${value}; expected a positive number`);
  });
  return { vocabulary, idf };
}

/** Documents of plain-text corpus files: one per non-empty line, as a vectorizer is fitted on. */
export function readCorpusDocuments(paths: readonly string[]): string[] {
  const documents: string[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      throw new Error(`cannot read the TF-IDF corpus ${path}: ${(error as Error).message}`, { cause: error });
    }
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
    if (lines.length === 0) throw new Error(`${path}: the TF-IDF corpus has no non-empty line`);
    documents.push(...lines);
  }
  return documents;
}
