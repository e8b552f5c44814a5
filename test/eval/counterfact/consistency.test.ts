// CounterFact consistency on models/tiny-facts with a fitted vocabulary: attribute snippets written
// from the fact world (sentences about subjects that hold each record's new target) for some
// records only; each record's figure is the TF-IDF cosine of its joined generations with its joined
// snippets, the summary their mean × 100, and records without snippets are counted, not invented.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseAttributeSnippets } from "../../../src/eval/consistency/snippets.js";
import { fitTfidf, readCorpusDocuments, tfidfCosine } from "../../../src/eval/consistency/tfidf.js";
import { evaluateCounterfact } from "../../../src/eval/counterfact/evaluate.js";
import { readCounterfactFile } from "../../../src/data/counterfact/parse.js";
import { loadModel } from "../../../src/models/load.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { TINY_FACTS, TINY_RECORDS } from "../golden-helpers.js";

describe("CounterFact consistency", async () => {
  const model = loadModel(TINY_FACTS);
  const tokenizer = await loadTokenizer(TINY_FACTS);
  const records = readCounterfactFile(TINY_RECORDS).slice(0, 8);
  const withSnippets = records.slice(0, 5);
  const json = withSnippets.map((r) => ({
    relation_id: r.requested_rewrite.relation_id,
    target_id: r.requested_rewrite.target_new.id,
    samples: r.attribute_prompts.map((p) => ({
      name: p,
      text: `${p} ${r.requested_rewrite.target_new.str}.`,
    })),
  }));
  const snippets = parseAttributeSnippets(json, "snippets");
  const vectorizer = fitTfidf(readCorpusDocuments([join(TINY_FACTS, "eval", "corpus.txt")]));

  it("per-record cosines, their mean × 100, and the records without snippets counted", () => {
    const covered = new Set(json.map((e) => `${e.relation_id}/${e.target_id}`));
    const { records: scored, summary } = evaluateCounterfact(model, tokenizer, records, {
      consistency: { snippets, vectorizer },
    });
    const values: number[] = [];
    scored.forEach((r, i) => {
      const { relation_id, target_new } = records[i].requested_rewrite;
      const texts = snippets.get(relation_id)?.get(target_new.id);
      if (!covered.has(`${relation_id}/${target_new.id}`)) return assert.equal(r.metrics.consistency, null);
      const expected = tfidfCosine(r.generations!.join(" "), texts!.map((s) => s.text).join(" "), vectorizer);
      assert.equal(r.metrics.consistency, expected);
      values.push(expected);
    });
    assert.ok(values.length >= 5 && values.some((v) => v > 0));
    assert.equal(summary.consistencyMissing, records.length - values.length);
    const mean = (100 * values.reduce((a, b) => a + b, 0)) / values.length;
    assert.ok(Math.abs((summary.consistency as number) - mean) < 1e-9);
    assert.ok(summary.fluency !== null, "the same generations give fluency");
  });

  it("without consistency the summary says it was not asked for", () => {
    const { summary } = evaluateCounterfact(model, tokenizer, records.slice(0, 2));
    assert.equal(summary.consistency, null);
    assert.equal(summary.consistencyMissing, null);
  });
});
