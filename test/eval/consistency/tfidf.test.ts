// TF-IDF consistency against scikit-learn (scripts/golden/make_eval_goldens.py): the fitted
// vocabulary and smoothed idf, the published-file loader (tfidf_vocab.json + numpy's idf.npy), and
// the reference's tfidf_similarity on text pairs; a text without vocabulary terms scores 0 where
// the reference gets NaN; bad vocabulary files get errors naming the file and term.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  fitTfidf,
  readCorpusDocuments,
  readTfidfFiles,
  tfidfCosine,
  tfidfTerms,
  tfidfVector,
} from "../../../src/eval/consistency/tfidf.js";
import { close, EVAL_FIXTURES, evalGolden } from "../golden-helpers.js";

const golden = evalGolden().tfidf;

describe("TF-IDF", () => {
  it("terms: lower-cased runs of two or more word characters", () => {
    assert.deepEqual(tfidfTerms("A b c: Café x_y 42, don't I"), ["café", "x_y", "42", "don"]);
  });

  it("fitTfidf gives sklearn's vocabulary and idf", () => {
    const model = fitTfidf(golden.corpus);
    assert.deepEqual(Object.fromEntries(model.vocabulary), golden.vocabulary);
    model.idf.forEach((v, i) => assert.ok(close(v, golden.idf[i]), `idf[${i}] ${v} vs ${golden.idf[i]}`));
  });

  it("cosines equal the reference's tfidf_similarity, fitted or loaded from the published files", () => {
    const fitted = fitTfidf(golden.corpus);
    const loaded = readTfidfFiles(join(EVAL_FIXTURES, "tfidf_vocab.json"), join(EVAL_FIXTURES, "idf.npy"));
    for (const { a, b, cosine } of golden.pairs)
      for (const model of [fitted, loaded]) {
        const ours = tfidfCosine(a, b, model);
        if (cosine === null) assert.equal(ours, 0, `no shared vocabulary: ${a}`);
        else assert.ok(close(ours, cosine, 1e-12), `${a} / ${b}: ${ours} vs ${cosine}`);
      }
  });

  it("vectors are L2-normalised; a text of unknown words is the zero vector", () => {
    const model = fitTfidf(golden.corpus);
    const v = tfidfVector("Paris Paris Berlin violin", model);
    const norm = Math.sqrt([...v.values()].reduce((a, x) => a + x * x, 0));
    assert.ok(close(norm, 1));
    assert.equal(tfidfVector("zzz qqq", model).size, 0);
    assert.throws(() => fitTfidf([]), /no documents/);
    assert.throws(() => fitTfidf(["a b c", "!"]), /no term/);
  });

  it("bad vocabulary and corpus files get errors naming the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "locedit-tfidf-"));
    try {
      const idf = join(EVAL_FIXTURES, "idf.npy");
      const vocab = (content: unknown) => {
        const file = join(dir, "vocab.json");
        writeFileSync(file, JSON.stringify(content));
        return file;
      };
      assert.throws(
        () => readTfidfFiles(vocab(["paris"]), idf),
        /vocab\.json: expected a JSON object \{term: column\}/,
      );
      assert.throws(
        () => readTfidfFiles(vocab({ paris: 99 }), idf),
        /vocab\.json: term "paris" has column 99; expected an integer in \[0, 47\)/,
      );
      assert.throws(
        () => readTfidfFiles(vocab({ paris: 1, berlin: 1 }), idf),
        /terms "paris" and "berlin" share column 1/,
      );
      const empty = join(dir, "empty.txt");
      writeFileSync(empty, "\n  \n");
      assert.throws(
        () => readCorpusDocuments([empty]),
        /empty\.txt: the TF-IDF corpus has no non-empty line/,
      );
      assert.deepEqual(readCorpusDocuments([join(EVAL_FIXTURES, "README.md")]).length > 3, true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
