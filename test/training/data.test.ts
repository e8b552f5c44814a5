// Training data: documents to examples (with end-of-text, windows for long ones), the seeded
// bucketed batch order, and the batch layout (inputs, targets, positions).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BUCKET_BATCHES, DataOrder, makeTrainingBatch, tokenizeDocuments } from "../../src/training/data.js";

describe("tokenizeDocuments", () => {
  const encode = (text: string) => Array.from(text, (ch) => ch.charCodeAt(0) - 96); // "a" → 1
  it("appends the end-of-text id and skips empty documents", () => {
    assert.deepEqual(
      tokenizeDocuments(["abc", "", "d"], encode, 0, 8).map((e) => [...e]),
      [
        [1, 2, 3, 0],
        [4, 0],
      ],
    );
  });

  it("cuts long documents into windows of seqLen + 1 that overlap by one token", () => {
    const windows = tokenizeDocuments(["abcdefg"], encode, 0, 3).map((e) => [...e]);
    assert.deepEqual(windows, [
      [1, 2, 3, 4],
      [4, 5, 6, 7],
      [7, 0],
    ]);
  });
});

describe("DataOrder", () => {
  const lengths = Array.from({ length: 103 }, (_, i) => 2 + ((i * 37) % 50));

  it("each epoch uses every example at most once, whole batches only, and is reproducible", () => {
    const order = new DataOrder(lengths, 4, 7);
    assert.equal(order.batchesPerEpoch, 25);
    for (const epoch of [0, 1]) {
      const seen = Array.from({ length: 25 }, (_, k) => order.batchAt(epoch * 25 + k)).flat();
      assert.equal(seen.length, 100);
      assert.equal(new Set(seen).size, 100);
    }
    const again = new DataOrder(lengths, 4, 7);
    for (const step of [60, 3, 27]) assert.deepEqual(again.batchAt(step), order.batchAt(step));
    assert.notDeepEqual(order.batchAt(0), order.batchAt(25), "a new epoch is a new order");
    assert.notDeepEqual(new DataOrder(lengths, 4, 8).batchAt(0), order.batchAt(0), "the seed matters");
  });

  it("groups examples of similar length: padding is far below that of random batches", () => {
    const long = Array.from({ length: 4 * BUCKET_BATCHES * 3 }, (_, i) => 2 + ((i * 7919) % 60));
    const order = new DataOrder(long, 4, 1);
    let padded = 0;
    for (let step = 0; step < order.batchesPerEpoch; step++) {
      const rows = order.batchAt(step).map((i) => long[i]);
      padded += rows.length * Math.max(...rows) - rows.reduce((a, b) => a + b, 0);
    }
    const total = long.reduce((a, b) => a + b, 0);
    assert.ok(padded < 0.1 * total, `padding ${padded} of ${total} tokens`);
  });

  it("uses all examples as one batch when there are fewer than batchSize", () => {
    const order = new DataOrder([3, 4], 8, 0);
    assert.deepEqual([...order.batchAt(5)].sort(), [0, 1]);
  });
});

describe("makeTrainingBatch", () => {
  it("inputs drop the last token, targets the first; right padding; one position per target", () => {
    const data = makeTrainingBatch([Int32Array.from([5, 6, 7]), Int32Array.from([8, 9])], 0);
    assert.equal(data.batch.T, 2);
    assert.deepEqual([...data.batch.ids], [5, 6, 8, 0]);
    assert.deepEqual([...data.batch.mask], [1, 1, 1, 0]);
    assert.deepEqual([...data.targets], [6, 7, 9]);
    assert.deepEqual(data.positions, [
      { row: 0, position: 0 },
      { row: 0, position: 1 },
      { row: 1, position: 0 },
    ]);
  });
});
