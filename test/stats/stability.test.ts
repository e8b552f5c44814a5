// `--until-stable` (stats/stability.ts): the change it reports equals the relative change of
// A = (λ·C0 + P·Pᵀ)⁻¹·P computed independently (Gauss–Jordan in float64, no Cholesky), is 0 when
// C0 did not change and NaN at the first check; a run with a loose tolerance stops early at a
// window boundary with exactly the statistics of a plain run over the samples it reached, and a
// run with a tolerance no window can meet uses every sample. With one layer per pass (a tiny
// --stats-memory), every pass's layers are checked, no pass stops before an earlier one, and all
// layers end keyed by the same samples with a plain run's sums (passes that stopped short are summed
// again), leaving no statistics file of another sample count behind.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { newAccumulator } from "../../src/stats/accumulate.js";
import { loadOrComputeStats } from "../../src/stats/compute.js";
import { StabilityMonitor } from "../../src/stats/stability.js";
import type { StabilityCheck, StatsOptions } from "../../src/stats/types.js";
import { createRng } from "../../src/util/random.js";
import { bitsEqual, corpusText, FACTS_DIR, loadTiny, tempDir, writeCorpus } from "./helpers.js";

const temp = tempDir("stable");
after(() => temp.remove());

/** A = M⁻¹·B by Gauss–Jordan elimination with partial pivoting (float64, n × n, B n × k). */
function solveReference(m: number[][], b: number[][]): number[][] {
  const n = m.length;
  const a = m.map((row, i) => [...row, ...b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) pivot = r;
    [a[c], a[pivot]] = [a[pivot], a[c]];
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let j = c; j < a[r].length; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row, i) => row.slice(n).map((x) => x / a[i][i]));
}

describe("StabilityMonitor", () => {
  const dim = 6;
  const rng = createRng(12);
  const keys = rng.fillNormal(new Float32Array(40 * dim));
  const accumulate = (n: number) => {
    const acc = newAccumulator(0, dim, "float64");
    for (let t = 0; t < n; t++)
      for (let i = 0; i < dim; i++)
        for (let j = 0; j < dim; j++) acc.sum[i * dim + j] += keys[t * dim + i] * keys[t * dim + j];
    acc.count = n;
    return acc;
  };
  const reference = (n: number, lambda: number, probes: number) => {
    const acc = accumulate(n);
    const p = Array.from({ length: probes }, (_, t) => Array.from(keys.subarray(t * dim, (t + 1) * dim)));
    const m = Array.from({ length: dim }, (_, i) =>
      Array.from(
        { length: dim },
        (_, j) => (lambda * acc.sum[i * dim + j]) / n + p.reduce((s, k) => s + k[i] * k[j], 0),
      ),
    );
    return solveReference(
      m,
      Array.from({ length: dim }, (_, i) => p.map((k) => k[i])),
    ).flat();
  };

  it("reports the relative change of (λ·C0 + P·Pᵀ)⁻¹·P, 0 for an unchanged C0, NaN at first", () => {
    const checks: StabilityCheck[] = [];
    const monitor = new StabilityMonitor({
      tolerance: 0.05,
      lambda: 3,
      probeKeys: 4,
      onCheck: (c) => checks.push(c),
    });
    monitor.observe(0, keys, 40, dim); // keeps the first 4 keys only
    assert.ok(Number.isNaN(monitor.check([accumulate(10)], 10).change.get(0)!));
    const second = monitor.check([accumulate(30)], 30);
    const [a, b] = [reference(10, 3, 4), reference(30, 3, 4)];
    const expected = Math.sqrt(
      b.reduce((s, x, i) => s + (x - a[i]) ** 2, 0) / b.reduce((s, x) => s + x * x, 0),
    );
    assert.ok(
      Math.abs(second.change.get(0)! - expected) < 1e-6 * expected,
      `${second.change.get(0)} vs ${expected}`,
    );
    assert.equal(second.stable, expected < 0.05);
    const third = monitor.check([accumulate(30)], 30);
    assert.ok(third.change.get(0)! < 1e-9 && third.stable);
    assert.equal(checks.length, 3);
  });
});

describe("loadOrComputeStats with untilStable", () => {
  it("stops at a window boundary with the plain run's statistics, or uses every sample", async () => {
    const { model, tokenizer } = await loadTiny(FACTS_DIR);
    const corpus = writeCorpus(temp.dir, "corpus.txt", corpusText(64, 5));
    const base = (dir: string, extra: Partial<StatsOptions> = {}): StatsOptions => ({
      layers: [1, 2],
      corpusFiles: [corpus],
      samples: 60,
      maxLen: 40,
      windowSamples: 6,
      cacheDir: join(temp.dir, dir),
      modelDir: FACTS_DIR,
      memoryBudget: 1e12, // one pass
      ...extra,
    });
    const loose = await loadOrComputeStats(
      model,
      tokenizer,
      base("loose", { untilStable: { tolerance: 0.5 } }),
    );
    const reached = loose.get(1)!.key.samples;
    assert.ok(reached < 60 && reached % 6 === 0, `reached ${reached}`);
    const plain = await loadOrComputeStats(model, tokenizer, base("plain", { samples: reached }));
    for (const layer of [1, 2]) {
      assert.equal(loose.get(layer)!.count, plain.get(layer)!.count);
      assert.ok(bitsEqual(loose.get(layer)!.sum, plain.get(layer)!.sum), `layer ${layer}: same sums`);
    }
    // the same command again reads the statistics the first run stopped at, summing nothing;
    // another stopping rule is another run
    const again: StabilityCheck[] = [];
    const rerun = await loadOrComputeStats(
      model,
      tokenizer,
      base("loose", { untilStable: { tolerance: 0.5, onCheck: (c) => again.push(c) } }),
    );
    assert.equal(again.length, 0, "the rerun checked stability: it summed the corpus again");
    for (const layer of [1, 2]) {
      assert.equal(rerun.get(layer)!.key.samples, reached);
      assert.ok(bitsEqual(rerun.get(layer)!.sum, loose.get(layer)!.sum), `layer ${layer}: read back`);
    }
    const otherRule: StabilityCheck[] = [];
    await loadOrComputeStats(
      model,
      tokenizer,
      base("loose", { untilStable: { tolerance: 0.5, lambda: 100, onCheck: (c) => otherRule.push(c) } }),
    );
    assert.ok(otherRule.length > 0, "statistics stopped under another λ were reused");
    const checks: StabilityCheck[] = [];
    const strict = await loadOrComputeStats(
      model,
      tokenizer,
      base("strict", { untilStable: { tolerance: 1e-12, onCheck: (c) => checks.push(c) } }),
    );
    assert.equal(strict.get(1)!.key.samples, 60);
    assert.equal(checks.length, 60 / 6 - 1); // one check before each window but the first
    assert.ok(checks.every((c) => !c.stable));
  });

  it("with one layer per pass: every layer checked, one sample count, a plain run's sums", async () => {
    const { model, tokenizer } = await loadTiny(FACTS_DIR);
    const corpus = writeCorpus(temp.dir, "passes.txt", corpusText(64, 7));
    const layers = [0, 1, 2];
    const base = (dir: string, extra: Partial<StatsOptions> = {}): StatsOptions => ({
      layers,
      corpusFiles: [corpus],
      samples: 60,
      maxLen: 40,
      windowSamples: 6,
      cacheDir: join(temp.dir, dir),
      modelDir: FACTS_DIR,
      memoryBudget: 1, // one layer per pass
      ...extra,
    });
    const checks: StabilityCheck[] = [];
    let passes = 0;
    const stable = await loadOrComputeStats(
      model,
      tokenizer,
      base("passes", {
        untilStable: { tolerance: 0.5, onCheck: (c) => checks.push(c) },
        onPlan: (plan) => (passes = plan.passes.length),
      }),
    );
    assert.equal(passes, 3);
    const reached = stable.get(0)!.key.samples;
    assert.ok(reached % 6 === 0 || reached === 60, `reached ${reached}`);
    // each pass checks its own layer; a pass stops only when its layer is stable, never before an
    // earlier pass's stop, and the furthest stop is the samples every layer ends with
    let floor = 0;
    for (const layer of layers) {
      const own = checks.filter((c) => c.change.has(layer));
      assert.ok(own.length > 0, `layer ${layer} was never checked`);
      assert.ok(own.every((c) => c.change.size === 1));
      const stop = own.find((c) => c.stable && c.samples >= floor);
      if (stop) floor = stop.samples;
      else floor = 60; // ran to the end
    }
    assert.equal(reached, floor);
    // on this corpus layer 0's pass stops first (48 samples) and is summed again to the furthest stop
    const first = checks.find((c) => c.change.has(0) && c.stable);
    assert.ok(first && first.samples < reached, "layer 0's pass stopped before the others");
    const plain = await loadOrComputeStats(model, tokenizer, base("passes-plain", { samples: reached }));
    for (const layer of layers) {
      assert.equal(stable.get(layer)!.key.samples, reached);
      assert.equal(stable.get(layer)!.count, plain.get(layer)!.count);
      assert.ok(bitsEqual(stable.get(layer)!.sum, plain.get(layer)!.sum), `layer ${layer}: same sums`);
    }
    // run again, every layer is read back at the samples reached, whatever its pass did
    const again: StabilityCheck[] = [];
    const rerun = await loadOrComputeStats(
      model,
      tokenizer,
      base("passes", { untilStable: { tolerance: 0.5, onCheck: (c) => again.push(c) } }),
    );
    assert.equal(again.length, 0, "the rerun summed the corpus again");
    for (const layer of layers) assert.ok(bitsEqual(rerun.get(layer)!.sum, stable.get(layer)!.sum));
    // one folder per layer fingerprint (each layer's keys depend on different weights)
    const files = readdirSync(join(temp.dir, "passes")).flatMap((d) =>
      readdirSync(join(temp.dir, "passes", d)),
    );
    assert.equal(files.length, layers.length, files.join(", "));
    assert.ok(
      files.every((f) => f.includes(`.n${reached}.`) && !f.includes("partial")),
      files.join(", "),
    );
  });

  it("refuses untilStable with a shard, and a tolerance that is not positive", async () => {
    const { model, tokenizer } = await loadTiny(FACTS_DIR);
    const corpus = writeCorpus(temp.dir, "small.txt", corpusText(10, 2));
    const base: StatsOptions = {
      layers: [1],
      corpusFiles: [corpus],
      samples: 8,
      cacheDir: temp.dir,
      modelDir: FACTS_DIR,
    };
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, {
        ...base,
        untilStable: { tolerance: 0.1 },
        shard: { index: 0, count: 1 },
      }),
      /'untilStable' does not combine with 'shard'/,
    );
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, { ...base, untilStable: { tolerance: 0 } }),
      /untilStable tolerance must be > 0/,
    );
  });
});
