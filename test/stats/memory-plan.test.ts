// Statistics within a memory budget (stats/memory-plan.ts): layers are grouped into passes whose
// accumulators fit, at least one layer a pass; several passes give bit for bit the sums of one
// pass; the plan is reported before computing; the default budget is a quarter of the weights,
// capped by the memory available.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ensureStats, loadOrComputeStats } from "../../src/stats/compute.js";
import {
  defaultStatsBudget,
  describeStatsPlan,
  planStatsMemory,
  type StatsMemoryPlan,
} from "../../src/stats/memory-plan.js";
import { bitsEqual, corpusText, FACTS_DIR, loadTiny, tempDir, writeCorpus } from "./helpers.js";

const temp = tempDir("memory-plan");
after(() => temp.remove());

describe("planStatsMemory", () => {
  it("groups ascending layers into passes that fit the budget", () => {
    const dim = 1000; // 8 MB per layer in float64, 4 MB of float32 product
    const plan = planStatsMemory([3, 4, 5, 6, 7], dim, "float32", 4e6 + 2 * 8e6);
    assert.deepEqual(plan.passes, [[3, 4], [5, 6], [7]]);
    assert.equal(plan.peakBytes, 2 * 8e6 + 4e6);
    assert.deepEqual(
      planStatsMemory([3, 4], dim, "float64", 1).passes,
      [[3], [4]],
      "one layer a pass at least",
    );
    assert.deepEqual(planStatsMemory([3, 4], dim, "float64", 1e12).passes, [[3, 4]]);
    assert.match(
      describeStatsPlan(plan),
      /statistics of d_ff 1000: 0\.01 GB per layer in float64 \+ 0\.00 GB float32 batch product; budget 0\.02 GB \(given\) → 3 pass\(es\) \[3,4; 5,6; 7\]/,
    );
  });

  it("reserves --until-stable's float64 check matrix before grouping layers", () => {
    const dim = 1000;
    const budget = 4e6 + 2 * 8e6;
    const plan = planStatsMemory([3, 4, 5], dim, "float32", budget, "given", { stabilityCheck: true });
    assert.equal(plan.stabilityBytes, 8e6);
    assert.deepEqual(plan.passes, [[3], [4], [5]], "the check's 8 MB leaves room for one layer a pass");
    assert.equal(plan.peakBytes, 8e6 + 4e6 + 8e6);
    assert.match(describeStatsPlan(plan), /\+ 0\.01 GB for --until-stable's check;/);
    assert.equal(planStatsMemory([3, 4, 5], dim, "float32", budget).stabilityBytes, 0);
  });

  it("defaults to a quarter of the weights, capped by the available memory less 2 GiB", () => {
    assert.equal(defaultStatsBudget(16e9, 64e9).bytes, 4e9);
    const tight = defaultStatsBudget(16e9, 2 * 1024 ** 3 + 1e9);
    assert.equal(tight.bytes, 1e9);
    assert.match(tight.reason, /available now less 2 GiB/);
  });
});

describe("ensureStats in several passes (tiny-facts)", () => {
  it("writes the same sums as one pass, reports its plan first and keeps no sum", async () => {
    const { model, tokenizer } = await loadTiny(FACTS_DIR);
    const corpus = writeCorpus(temp.dir, "corpus.txt", corpusText(30));
    const options = {
      layers: [0, 1, 2],
      corpusFiles: [corpus],
      samples: 20,
      maxLen: 32,
      batchTokens: 128,
      modelDir: FACTS_DIR,
    };
    const dim = model.config.intermediateSize;
    const plans: StatsMemoryPlan[] = [];
    const passes = new Set<string>();
    const refs = await ensureStats(model, tokenizer, {
      ...options,
      cacheDir: join(temp.dir, "passes"),
      memoryBudget: dim * dim * 4 + dim * dim * 8, // the float32 product and one layer
      onPlan: (plan) => plans.push(plan),
      onProgress: (p) => {
        assert.equal(plans.length, 1, "the plan comes before any progress");
        if (p.passes) passes.add(`${p.pass}/${p.passes}`);
      },
    });
    assert.deepEqual(
      plans.map((p) => p.passes),
      [[[0], [1], [2]]],
    );
    assert.deepEqual([...passes], ["1/3", "2/3", "3/3"]);
    assert.deepEqual([...refs.keys()], [0, 1, 2]);
    for (const ref of refs.values()) assert.ok(!("sum" in ref));
    const split = await loadOrComputeStats(model, tokenizer, {
      ...options,
      cacheDir: join(temp.dir, "passes"),
    });
    const whole = await loadOrComputeStats(model, tokenizer, {
      ...options,
      cacheDir: join(temp.dir, "one"),
      memoryBudget: 1e12,
    });
    for (const layer of [0, 1, 2]) {
      assert.equal(split.get(layer)!.count, whole.get(layer)!.count);
      assert.ok(bitsEqual(split.get(layer)!.sum, whole.get(layer)!.sum), `layer ${layer}`);
    }
  });
});
