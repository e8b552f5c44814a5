// Sharded statistics (`locedit stats --shard I/N`): shards are contiguous runs of whole windows that
// cover the samples exactly once, and any N shards merge into the unsharded statistics: the same
// key and file name, the same token count exactly, sums equal to relative 1e-12 (float64 shards
// sum the unsharded run's very batches), also when each shard takes one pass per layer (a tiny
// memory budget) and the unsharded run one pass for all. Overlapping shards are refused; shards with a gap merge
// under a "merged:" corpus; bad shard specifications are refused by name.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadOrComputeStats } from "../../src/stats/compute.js";
import { mergeStats } from "../../src/stats/merge.js";
import { shardRange } from "../../src/stats/options.js";
import { statsPath } from "../../src/stats/stats-file.js";
import type { LayerStats, StatsDtype, StatsOptions } from "../../src/stats/types.js";
import type { CausalLM } from "../../src/models/causal-lm.js";
import type { Tokenizer } from "../../src/tokenizers/tokenizer.js";
import { corpusText, FACTS_DIR, loadTiny, relativeError, tempDir, writeCorpus } from "./helpers.js";

const temp = tempDir("shard");
after(() => temp.remove());
const SAMPLES = 29;
const WINDOW = 4; // 8 windows, the last one short

describe("shardRange", () => {
  it("splits whole windows into contiguous ranges that cover every sample once", () => {
    for (const count of [1, 2, 3, 5, 8]) {
      const ranges = Array.from({ length: count }, (_, index) =>
        shardRange(SAMPLES, WINDOW, { index, count }),
      );
      let next = 0;
      for (const r of ranges) {
        assert.equal(r.first, next, `shards of ${count}: contiguous`);
        assert.equal(r.first % WINDOW, 0, "whole windows");
        assert.ok(r.samples > 0, "no empty shard");
        next = r.first + r.samples;
      }
      assert.equal(next, SAMPLES);
    }
  });

  it("refuses more shards than windows and an index outside 0..N−1", () => {
    assert.throws(
      () => shardRange(SAMPLES, WINDOW, { index: 0, count: 9 }),
      /9 shards need at least 9 windows of 4 samples, but 29 samples make 8/,
    );
    assert.throws(
      () => shardRange(SAMPLES, WINDOW, { index: 3, count: 3 }),
      /shard 3\/3: expected 0 ≤ index < count/,
    );
  });
});

describe("sharded statistics merge into the unsharded ones", () => {
  let model: CausalLM;
  let tokenizer: Tokenizer;
  let corpus: string;
  const options = (
    dir: string,
    dtype: StatsDtype,
    shard?: { index: number; count: number },
  ): StatsOptions => ({
    layers: [0, 2],
    corpusFiles: [corpus],
    samples: SAMPLES,
    maxLen: 40,
    dtype,
    windowSamples: WINDOW,
    batchTokens: 64,
    cacheDir: join(temp.dir, dir),
    modelDir: FACTS_DIR,
    // shards: one layer per pass (memory-plan.ts); unsharded: all layers in one pass
    memoryBudget: shard ? 1 : 1e12,
    ...(shard ? { shard } : {}),
  });
  const shards = async (
    tag: string,
    dtype: StatsDtype,
    count: number,
    indices = [...Array(count).keys()],
  ) => {
    const dirs: string[] = [];
    for (const index of indices) {
      const dir = `${tag}-${index}-of-${count}`;
      await loadOrComputeStats(model, tokenizer, options(dir, dtype, { index, count }));
      dirs.push(join(temp.dir, dir));
    }
    return dirs;
  };
  before(async () => {
    ({ model, tokenizer } = await loadTiny(FACTS_DIR));
    corpus = writeCorpus(temp.dir, "corpus.txt", corpusText(SAMPLES + 3, 7));
  });

  for (const [dtype, counts] of [
    ["float64", [2, 3, 8]],
    ["float32", [3]],
  ] as const) {
    it(`${dtype}: N = ${counts.join(", ")} shards give the unsharded key, token count and sums (1e-12)`, async () => {
      const whole = await loadOrComputeStats(model, tokenizer, options(`whole-${dtype}`, dtype));
      // float32 files round the sum to float32; the unsharded sum before rounding is shard 0/1's
      const exact: Map<number, LayerStats> =
        dtype === "float64"
          ? whole
          : await loadOrComputeStats(
              model,
              tokenizer,
              options(`one-${dtype}`, dtype, { index: 0, count: 1 }),
            );
      for (const count of counts) {
        const out = join(temp.dir, `merged-${dtype}-${count}`);
        const merged = await mergeStats(await shards(dtype, dtype, count), out);
        for (const [layer, m] of merged) {
          const w = whole.get(layer)!;
          assert.deepEqual(m.stats.key, w.key, `layer ${layer}: key`);
          assert.equal(m.path, statsPath(out, w.key));
          assert.equal(m.stats.count, w.count, `layer ${layer}: token count`);
          const error = relativeError(m.stats.sum, exact.get(layer)!.sum);
          assert.ok(error <= 1e-12, `layer ${layer}, ${count} shards: relative ${error}`);
          if (dtype === "float32") assert.ok(relativeError(m.stats.sum, w.sum) < 1e-6);
        }
      }
    });
  }

  it("refuses overlapping shards, and merges shards with a gap under a merged corpus", async () => {
    const [half] = await shards("half", "float64", 2, [0]);
    const [third, last] = await shards("third", "float64", 3, [0, 2]);
    await assert.rejects(
      mergeStats([half, third], join(temp.dir, "x")),
      /samples \[0, 16\) in .* and samples \[0, 8\) in .* overlap/,
    );
    const gap = await mergeStats([third, last], join(temp.dir, "gap"));
    const m = gap.get(0)!.stats;
    assert.match(m.key.corpus, /^merged:[0-9a-f]{64}$/);
    assert.equal(
      m.key.samples,
      shardRange(SAMPLES, WINDOW, { index: 0, count: 3 }).samples +
        shardRange(SAMPLES, WINDOW, { index: 2, count: 3 }).samples,
    );
    // two shards that tile a range not starting at 0 keep the corpus, with that first sample
    const [b, c] = await shards("tail", "float64", 4, [1, 2]);
    const tail = (await mergeStats([b, c], join(temp.dir, "tail"))).get(0)!.stats.key;
    assert.equal(tail.first, shardRange(SAMPLES, WINDOW, { index: 1, count: 4 }).first);
    assert.doesNotMatch(tail.corpus, /^merged:/);
  });
});
