// mergeStats: shards computed on separate corpus files add up to the statistics of the
// concatenated corpus; incompatible or overlapping shards are refused with a clear error.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadOrComputeStats } from "../../src/stats/compute.js";
import { countSamples } from "../../src/stats/corpus.js";
import { mergeStats } from "../../src/stats/merge.js";
import { readStatsFile, statsPath } from "../../src/stats/stats-file.js";
import type { LayerStats, StatsOptions } from "../../src/stats/types.js";
import type { CausalLM } from "../../src/models/causal-lm.js";
import type { Tokenizer } from "../../src/tokenizers/tokenizer.js";
import {
  corpusText,
  FACTS_DIR,
  KEY_SUM_TOLERANCE,
  LLAMA_DIR,
  loadTiny,
  relativeError,
  tempDir,
  writeCorpus,
} from "./helpers.js";

const temp = tempDir("merge");
after(() => temp.remove());

describe("mergeStats", () => {
  let model: CausalLM;
  let tokenizer: Tokenizer;
  let files: string[];
  let counts: number[];
  const shardStats: Map<number, LayerStats>[] = [];
  const shardFile = (i: number, layer: number) =>
    statsPath(join(temp.dir, `shard-${i}`), shardStats[i].get(layer)!.key);
  const shard = (i: number, extra: Partial<StatsOptions> = {}) => ({
    layers: [1, 3],
    corpusFiles: [files[i]],
    samples: counts[i],
    maxLen: 40,
    cacheDir: join(temp.dir, `shard-${i}`),
    modelDir: FACTS_DIR,
    ...extra,
  });
  before(async () => {
    ({ model, tokenizer } = await loadTiny(FACTS_DIR));
    files = [1, 2, 3].map((seed) => writeCorpus(temp.dir, `part-${seed}.txt`, corpusText(9 + seed, seed)));
    counts = countSamples(files);
    for (const i of [0, 1, 2]) shardStats.push(await loadOrComputeStats(model, tokenizer, shard(i)));
  });

  it("two shards add up to the statistics of the concatenated corpus", async () => {
    const whole = await loadOrComputeStats(model, tokenizer, {
      ...shard(0),
      corpusFiles: files.slice(0, 2),
      samples: counts[0] + counts[1],
      cacheDir: join(temp.dir, "whole"),
    });
    const merged = await mergeStats(
      [join(temp.dir, "shard-0"), join(temp.dir, "shard-1")],
      join(temp.dir, "out"),
    );
    assert.deepEqual([...merged.keys()], [1, 3]);
    for (const [layer, m] of merged) {
      const w = whole.get(layer)!;
      assert.equal(m.stats.count, w.count);
      assert.ok(relativeError(m.stats.sum, w.sum) < KEY_SUM_TOLERANCE);
      assert.equal(m.stats.key.samples, counts[0] + counts[1]);
      assert.equal(m.stats.key.model, w.key.model);
      assert.match(m.stats.key.corpus, /^merged:[0-9a-f]{64}$/);
      assert.equal(m.path, statsPath(join(temp.dir, "out"), m.stats.key));
      assert.deepEqual(readStatsFile(m.path), m.stats);
    }
  });

  it("is associative in its key and does not depend on the argument order", async () => {
    const paths = [0, 1, 2].map((i) => join(temp.dir, `shard-${i}`));
    const all = await mergeStats(paths, join(temp.dir, "all"));
    const reversed = await mergeStats([...paths].reverse(), join(temp.dir, "reversed"));
    assert.deepEqual(reversed.get(1)!.stats, all.get(1)!.stats);
    const files = await mergeStats([shardFile(2, 1), shardFile(0, 1)], join(temp.dir, "files"));
    assert.deepEqual([...files.get(1)!.shards].sort(), [shardFile(0, 1), shardFile(2, 1)].sort());
    await mergeStats(paths.slice(0, 2), join(temp.dir, "ab"));
    const nested = await mergeStats([join(temp.dir, "ab"), paths[2]], join(temp.dir, "nested"));
    assert.deepEqual(nested.get(3)!.stats.key, all.get(3)!.stats.key);
    assert.ok(relativeError(nested.get(3)!.stats.sum, all.get(3)!.stats.sum) < 1e-6);
  });

  it("refuses mismatched layers, models, maxLen and overlapping shards", async () => {
    const only1 = await loadOrComputeStats(
      model,
      tokenizer,
      shard(1, { layers: [1], cacheDir: join(temp.dir, "only1") }),
    );
    await assert.rejects(
      mergeStats([join(temp.dir, "shard-0"), join(temp.dir, "only1")], join(temp.dir, "x")),
      /shard-0 has layers \[1,3\] but .*only1 has \[1\]/,
    );
    await assert.rejects(
      mergeStats(
        [statsPath(join(temp.dir, "only1"), only1.get(1)!.key), shardFile(0, 3)],
        join(temp.dir, "x"),
      ),
      /has layers \[1\] but .* has \[3\]/,
    );
    await loadOrComputeStats(model, tokenizer, shard(1, { maxLen: 20, cacheDir: join(temp.dir, "short") }));
    await assert.rejects(
      mergeStats([join(temp.dir, "shard-0"), join(temp.dir, "short")], join(temp.dir, "x")),
      /maxLen differs: 40 in .*, 20 in /,
    );
    await assert.rejects(
      mergeStats([join(temp.dir, "shard-0"), join(temp.dir, "all")], join(temp.dir, "x")),
      /overlap; merging would count those samples twice/,
    );
    const llama = await loadTiny(LLAMA_DIR);
    await loadOrComputeStats(llama.model, llama.tokenizer, {
      ...shard(1),
      layers: [1],
      modelDir: LLAMA_DIR,
      cacheDir: join(temp.dir, "llama"),
    });
    await assert.rejects(
      mergeStats([join(temp.dir, "only1"), join(temp.dir, "llama")], join(temp.dir, "x")),
      /model differs/,
    );
    await assert.rejects(mergeStats([join(temp.dir, "shard-0")], join(temp.dir, "x")), /at least two shards/);
    await assert.rejects(
      mergeStats([join(temp.dir, "shard-0"), join(temp.dir, "nothing")], join(temp.dir, "x")),
      /nothing: statistics shard does not exist/,
    );
  });
});
