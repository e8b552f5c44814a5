// Corpus samples (non-blank, non-heading lines, streamed across chunk boundaries) and the batch
// plan (windows sorted by length, packed within batchTokens, resumable at any batch).
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { cursorAfter, packRows, planBatches, START } from "../../src/stats/batches.js";
import { corpusSamples, countSamples, fileLines, isSampleLine } from "../../src/stats/corpus.js";
import { corpusText, LLAMA_DIR, loadTiny, tempDir, writeCorpus } from "./helpers.js";

const temp = tempDir("corpus");
after(() => temp.remove());

describe("corpus samples", () => {
  it("skip blank lines and wikitext headings, keep everything else", () => {
    for (const heading of [
      " = Valkyria Chronicles III = ",
      " = = Gameplay = = ",
      "== Plot ==",
      " = = = Music = = = ",
    ])
      assert.equal(isSampleLine(heading), false, heading);
    for (const blank of ["", "   ", "\t"]) assert.equal(isSampleLine(blank), false);
    for (const text of [" Senjō no Valkyria 3 : Unrecorded Chronicles", "a = b = c", "= x", " = 1 + 1"])
      assert.equal(isSampleLine(text), true, text);
  });

  it("stream lines across read chunks, with CRLF and multi-byte characters", () => {
    const long = "é".repeat(700_000); // 1.4 MB: a line and a character split across 1 MiB reads
    const path = writeCorpus(temp.dir, "big.txt", `first\r\n${long}\r\n\r\n = T = \nlast`);
    assert.deepEqual(
      [...fileLines(path)].map((l) => (l.length > 20 ? l.length : l)),
      ["first", 700_000, "", " = T = ", "last"],
    );
    const samples = [...corpusSamples([path, path])];
    assert.deepEqual(
      samples.map((s) => [s.index, s.line, s.text.length]),
      [
        [0, 1, 5],
        [1, 2, 700_000],
        [2, 5, 4],
        [3, 1, 5],
        [4, 2, 700_000],
        [5, 5, 4],
      ],
    );
    assert.deepEqual(countSamples([path]), [3]);
  });
});

describe("batch plan", () => {
  it("packs longest first within batchTokens; a row longer than batchTokens goes alone", () => {
    assert.deepEqual(packRows([3, 9, 4, 4, 1, 20], 12), [[5], [1], [2, 3, 0], [4]]);
    for (const lengths of [[5], [1, 1, 1, 1, 1], [7, 2, 7, 2, 7]]) {
      const groups = packRows(lengths, 8);
      assert.deepEqual(groups.flat().sort(), lengths.map((_, i) => i).sort());
      for (const g of groups) assert.ok(g.length === 1 || g.length * lengths[g[0]] <= 8);
    }
  });

  it("covers each of the first N samples once, truncated to maxLen, and resumes from any batch", async () => {
    const { tokenizer } = await loadTiny(LLAMA_DIR);
    const path = writeCorpus(temp.dir, "plan.txt", corpusText(50));
    const plan = { samples: 45, maxLen: 16, batchTokens: 48, windowSamples: 10 };
    const batches = [...planBatches([path], tokenizer, plan, START)];
    const seen = batches.flatMap((b) => b.rows.map((r) => r.index)).sort((a, b) => a - b);
    assert.deepEqual(
      seen,
      Array.from({ length: 45 }, (_, i) => i),
    );
    for (const b of batches) {
      assert.ok(b.batch.T <= 16 && (b.batch.B === 1 || b.batch.B * b.batch.T <= 48));
      assert.equal(
        b.tokens,
        b.batch.mask.reduce((n, m) => n + m, 0),
      );
    }
    assert.deepEqual(
      batches.map((b) => b.cursor.ordinal),
      batches.map((_, i) => i),
    );
    for (const k of [0, 1, 7, batches.length - 1]) {
      const rest = [...planBatches([path], tokenizer, plan, cursorAfter(batches[k]))];
      assert.deepEqual(
        rest.map((b) => [b.cursor, [...b.batch.ids]]),
        batches.slice(k + 1).map((b) => [b.cursor, [...b.batch.ids]]),
      );
    }
  });
});
