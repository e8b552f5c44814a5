// loadOrComputeStats: computes and caches one file per layer, returns a cache hit without running
// the model, recomputes into another file when the key changes, names a corrupt or mismatched
// cache file, and resumes an interrupted run to a bit-identical result.
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { loadOrComputeStats } from "../../src/stats/compute.js";
import { partialPath, statsPath } from "../../src/stats/stats-file.js";
import type { StatsOptions } from "../../src/stats/types.js";
import type { CausalLM } from "../../src/models/causal-lm.js";
import type { Tokenizer } from "../../src/tokenizers/tokenizer.js";
import {
  bitsEqual,
  corpusText,
  countForwards,
  FACTS_DIR,
  KEY_SUM_TOLERANCE,
  loadTiny,
  referenceMoments,
  relativeError,
  tempDir,
  writeCorpus,
} from "./helpers.js";

const temp = tempDir("cache");
after(() => temp.remove());

describe("loadOrComputeStats (tiny-facts)", () => {
  let model: CausalLM;
  let tokenizer: Tokenizer;
  let base: StatsOptions;
  before(async () => {
    ({ model, tokenizer } = await loadTiny(FACTS_DIR));
    const corpus = writeCorpus(temp.dir, "corpus.txt", corpusText(40));
    base = {
      layers: [1, 2],
      corpusFiles: [corpus],
      samples: 30,
      maxLen: 32,
      batchTokens: 128,
      cacheDir: join(temp.dir, "cache"),
      modelDir: FACTS_DIR,
    };
  });

  it("computes every layer, matches the per-sample reference and caches one file per layer", async () => {
    const events: number[] = [];
    const stats = await loadOrComputeStats(model, tokenizer, {
      ...base,
      onProgress: (p) => events.push(p.done),
    });
    assert.deepEqual([...stats.keys()], [1, 2]);
    assert.equal(events.at(-1), 30);
    for (const [layer, s] of stats) {
      const ref = referenceMoments(model, tokenizer, base.corpusFiles, 30, 32, layer);
      assert.equal(s.count, ref.count);
      assert.ok(relativeError(s.sum, ref.sum) < KEY_SUM_TOLERANCE);
      assert.deepEqual(
        { ...s.key, model: "", corpus: "" },
        { model: "", layer, corpus: "", samples: 30, maxLen: 32, dtype: "float32" },
      );
      assert.ok(existsSync(statsPath(base.cacheDir, s.key)));
      assert.ok(!existsSync(partialPath(base.cacheDir, s.key)));
    }
  });

  it("a cache hit returns identical data without running the model", async () => {
    const first = await loadOrComputeStats(model, tokenizer, base);
    const spy = countForwards(model);
    const again = await loadOrComputeStats(model, tokenizer, { ...base, batchTokens: 999 });
    assert.equal(spy.calls(), 0);
    for (const [layer, s] of first) {
      assert.ok(bitsEqual(again.get(layer)!.sum, s.sum));
      assert.equal(again.get(layer)!.count, s.count);
      assert.deepEqual(again.get(layer)!.key, s.key);
    }
  });

  it("another sample count or corpus computes into another file; cached layers are reused", async () => {
    const first = await loadOrComputeStats(model, tokenizer, base);
    const fewer = await loadOrComputeStats(model, tokenizer, { ...base, samples: 10, layers: [2] });
    assert.notEqual(statsPath(base.cacheDir, fewer.get(2)!.key), statsPath(base.cacheDir, first.get(2)!.key));
    assert.ok(fewer.get(2)!.count < first.get(2)!.count);
    const other = writeCorpus(temp.dir, "other.txt", corpusText(40, 7));
    const otherStats = await loadOrComputeStats(model, tokenizer, { ...base, corpusFiles: [other] });
    assert.notEqual(otherStats.get(1)!.key.corpus, first.get(1)!.key.corpus);
    const spy = countForwards(model);
    const mixed = await loadOrComputeStats(model, tokenizer, { ...base, layers: [0, 1, 2] });
    assert.ok(spy.calls() > 0);
    assert.ok(bitsEqual(mixed.get(1)!.sum, first.get(1)!.sum));
    // One folder per layer fingerprint: layer 1 has its files for both corpora.
    const files = readdirSync(dirname(statsPath(base.cacheDir, first.get(1)!.key)));
    assert.equal(files.filter((f) => f.startsWith("layer-1.")).length, 2);
    assert.equal(readdirSync(base.cacheDir).length, 3, "layers 0, 1 and 2 have a folder each");
  });

  it("a corrupt, truncated or mismatched cache file is an error naming it", async () => {
    const stats = await loadOrComputeStats(model, tokenizer, base);
    const path = statsPath(base.cacheDir, stats.get(1)!.key);
    const good = readFileSync(path);
    writeFileSync(path, good.subarray(0, good.length - 100));
    await assert.rejects(loadOrComputeStats(model, tokenizer, base), (e: Error) =>
      e.message.startsWith(path),
    );
    writeFileSync(path, "garbage");
    await assert.rejects(loadOrComputeStats(model, tokenizer, base), (e: Error) =>
      e.message.startsWith(path),
    );
    // The layer-2 file under layer 1's name: metadata says layer 2, of weights up to layer 2.
    copyFileSync(statsPath(base.cacheDir, stats.get(2)!.key), path);
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, base),
      new RegExp(
        `${path}: statistics key does not match: model is [0-9a-f]{64}, expected [0-9a-f]{64}; layer is 2, expected 1`,
      ),
    );
    writeFileSync(path, good);
  });

  for (const how of ["abort", "crash"] as const) {
    it(`resuming after ${how === "abort" ? "an abort" : "a crash after a periodic checkpoint"} is bit-identical`, async () => {
      const options = {
        ...base,
        samples: 36,
        layers: [0, 2],
        batchTokens: 64,
        dtype: "float64" as const,
        cacheDir: join(temp.dir, `resume-${how}`),
      };
      const wholeSpy = countForwards(model);
      const whole = await loadOrComputeStats(model, tokenizer, {
        ...options,
        cacheDir: join(temp.dir, `whole-${how}`),
      });
      const wholeBatches = wholeSpy.calls();
      const controller = new AbortController();
      let batches = 0;
      const interrupted = loadOrComputeStats(model, tokenizer, {
        ...options,
        signal: controller.signal,
        checkpoint: { batches: 2 },
        onProgress: () => {
          batches++;
          if (how === "abort" && batches === 5) controller.abort(new Error("stopped by the test"));
          if (how === "crash" && batches === 5) throw new Error("crash");
        },
      });
      await assert.rejects(interrupted, how === "abort" ? /stopped by the test/ : /crash/);
      const partial = partialPath(options.cacheDir, whole.get(0)!.key);
      assert.ok(existsSync(partial));
      const spy = countForwards(model);
      const resumed = await loadOrComputeStats(model, tokenizer, options);
      // abort: checkpointed after batch 5; crash in batch 5's progress: last checkpoint after batch 4
      assert.equal(spy.calls(), wholeBatches - (how === "abort" ? 5 : 4));
      for (const [layer, s] of whole) {
        assert.ok(bitsEqual(resumed.get(layer)!.sum, s.sum), `layer ${layer} differs after resume`);
        assert.equal(resumed.get(layer)!.count, s.count);
      }
      assert.ok(!existsSync(partial));
    });
  }

  it("a layer ahead of the others resumes from its own checkpoint", async () => {
    const options = {
      ...base,
      samples: 36,
      layers: [1, 3],
      batchTokens: 64,
      cacheDir: join(temp.dir, "ahead"),
    };
    const whole = await loadOrComputeStats(model, tokenizer, {
      ...options,
      cacheDir: join(temp.dir, "ahead-whole"),
    });
    const stop = (after: number) => {
      const controller = new AbortController();
      let n = 0;
      return {
        signal: controller.signal,
        onProgress: () => ++n === after && controller.abort(new Error("stop")),
      };
    };
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, { ...options, layers: [3], ...stop(6) }),
      /stop/,
    );
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, { ...options, layers: [1], ...stop(2) }),
      /stop/,
    );
    const resumed = await loadOrComputeStats(model, tokenizer, options);
    for (const [layer, s] of whole) assert.ok(bitsEqual(resumed.get(layer)!.sum, s.sum), `layer ${layer}`);
  });

  it("too few samples, a missing corpus file or a bad layer is a clear error", async () => {
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, { ...base, samples: 1000, cacheDir: join(temp.dir, "few") }),
      /the corpus has 40 samples \(.*corpus\.txt: 40\), fewer than the 1000 asked for/,
    );
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, { ...base, corpusFiles: [join(temp.dir, "none.txt")] }),
      /none\.txt: corpus file does not exist/,
    );
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, { ...base, layers: [4] }),
      /layer 4 is out of range, the model has layers 0–3/,
    );
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, { ...base, maxLen: 81 }),
      /maxLen 81 exceeds the model's 80 positions/,
    );
  });

  it("a moved cache folder still serves its files", async () => {
    const stats = await loadOrComputeStats(model, tokenizer, base);
    const moved = join(temp.dir, "moved");
    renameSync(base.cacheDir, moved);
    const spy = countForwards(model);
    const again = await loadOrComputeStats(model, tokenizer, { ...base, cacheDir: moved });
    assert.equal(spy.calls(), 0);
    assert.ok(bitsEqual(again.get(1)!.sum, stats.get(1)!.sum));
    renameSync(moved, base.cacheDir);
  });
});
