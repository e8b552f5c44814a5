// C0 handed to a solve that overwrites it (LayerStatistics.covarianceToOverwrite): a copy when C0
// is small enough to keep between solves (the kept one stays intact), else read from its file for
// the caller alone and not kept, so that a real-size solve holds one d_ff² matrix.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { LayerStatistics } from "../../../src/editing/editor/statistics.js";
import { corpusText, FACTS_DIR, loadTiny, tempDir, writeCorpus } from "../../stats/helpers.js";

const temp = tempDir("editor-statistics");
after(() => temp.remove());

describe("LayerStatistics.covarianceToOverwrite", () => {
  it("copies a kept C0, and reads an unkept one afresh for each caller", async () => {
    const { model, tokenizer } = await loadTiny(FACTS_DIR);
    const corpus = writeCorpus(temp.dir, "corpus.txt", corpusText(20));
    const source = { dir: temp.dir, corpus: [corpus], samples: 20, maxLen: 32 };
    const kept = new LayerStatistics(model, tokenizer, FACTS_DIR, source);
    await kept.ensure([1]);
    const c0 = kept.covariance(1);
    const reference = c0.slice();
    const mine = kept.covarianceToOverwrite(1);
    assert.notEqual(mine, c0);
    assert.deepEqual(mine, reference);
    mine.fill(0);
    assert.deepEqual(kept.covariance(1), reference, "overwriting the copy left the kept C0 intact");
    assert.equal(kept.covariance(1), c0, "C0 is still kept");

    const unkept = new LayerStatistics(model, tokenizer, FACTS_DIR, source, undefined, 1);
    await unkept.ensure([1]);
    const first = unkept.covarianceToOverwrite(1);
    const second = unkept.covarianceToOverwrite(1);
    assert.notEqual(first, second);
    assert.deepEqual(first, reference);
    first.fill(0);
    assert.deepEqual(second, reference);
    assert.deepEqual(unkept.covariance(1), reference, "read again from the file");

    // `into`: C0 is written into the caller's buffer (kept: copied; unkept: read from the file)
    for (const source of [kept, unkept]) {
      const buffer = new Float64Array(reference.length).fill(7);
      assert.equal(source.covarianceToOverwrite(1, buffer), buffer);
      assert.deepEqual(buffer, reference);
    }
    assert.throws(
      () => unkept.covarianceToOverwrite(1, new Float64Array(3)),
      /layer 1: C0 is \d+×\d+, the buffer given holds 3 values/,
    );
  });
});
