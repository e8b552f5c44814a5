// ensureStats / loadOrComputeStats: ROME/MEMIT's layer_stats with a cache — C0's running sum
// Σ k kᵀ and count per layer, found in the cache when present, otherwise computed over the corpus:
// the missing layers in as few passes as the memory budget allows (memory-plan.ts), each pass
// writing its layers to the cache and dropping them before the next starts, with periodic atomic
// checkpoints of the partial sums from which an interrupted run resumes to the exact same result.
// A shard (options.shard) runs whole windows of the batch plan in every pass, so N shards sum the
// unsharded run's batches; untilStable stops between windows once C0 is stable for editing
// (stability.ts) — with several passes, every pass's layers must be stable: a pass runs at least as
// far as the passes before it, and those that stopped earlier are summed again to the furthest one
// (exactly a plain run of that many samples) — and the result is keyed by the samples reached,
// with the stopping rule in its metadata, so that the same command run again reads it.
import { existsSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname } from "node:path";
import { removeStaleTemporaryFiles } from "../io/staging.js";
import type { CausalLM } from "../models/causal-lm.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { accumulateBatch, MomentScratch, newAccumulator, type MomentAccumulator } from "./accumulate.js";
import { cursorAfter, planBatches, planStart, type BatchPlan, type PlanCursor } from "./batches.js";
import { requireSamples } from "./corpus.js";
import { corpusFingerprint, layerFingerprints } from "./fingerprint.js";
import { DEFAULT_CHECKPOINT_SECONDS, resolveStatsOptions, type ResolvedStatsOptions } from "./options.js";
import { defaultStatsBudget, planStatsMemory } from "./memory-plan.js";
import { DEFAULT_PROBE_KEYS, DEFAULT_STABLE_LAMBDA, StabilityMonitor } from "./stability.js";
import {
  partialPath,
  readPartialFile,
  readStatsFile,
  readStatsMetadata,
  readStatsRef,
  statsPath,
  writePartialFile,
  writeStatsFile,
} from "./stats-file.js";
import type { LayerStats, StatsKey, StatsOptions, StatsRef } from "./types.js";

/** One layer being computed: its accumulator, key, files and the next batch it needs. */
interface LayerJob {
  cacheDir: string;
  key: StatsKey;
  partialPath: string;
  acc: MomentAccumulator;
  cursor: PlanCursor;
  plan: BatchPlan | null;
}

/** Statistics of every requested layer, from the cache or computed (and then cached), with their sums. */
/** metadata of a statistics file that an untilStable run stopped early: stoppingRule() */
const UNTIL_STABLE_FIELD = "until_stable";

interface EarlyStop {
  rule: string;
  asked: number;
}

export async function loadOrComputeStats(
  model: CausalLM,
  tokenizer: Tokenizer,
  options: StatsOptions,
): Promise<Map<number, LayerStats>> {
  const refs = await ensureStats(model, tokenizer, options);
  return new Map([...refs].map(([layer, ref]) => [layer, readStatsFile(ref.path, ref.key)]));
}

/**
 * Makes sure every requested layer's statistics are in the cache (computing the missing ones) and
 * returns where they are; no sum stays in memory.
 */
export async function ensureStats(
  model: CausalLM,
  tokenizer: Tokenizer,
  options: StatsOptions,
): Promise<Map<number, StatsRef>> {
  const resolved = resolveStatsOptions(model, options);
  const modelFps = layerFingerprints(model, tokenizer, resolved.layers);
  const corpusFp = corpusFingerprint(resolved.corpusFiles);
  const dim = model.config.intermediateSize;
  const result = new Map<number, StatsRef>();
  const missing: StatsKey[] = [];
  for (const layer of resolved.layers) {
    const key: StatsKey = { model: modelFps.get(layer)!, layer, corpus: corpusFp, ...pick(resolved) };
    // Temporary files of a run killed while writing (SIGKILL) are never read; remove them.
    for (const notice of removeStaleTemporaryFiles(dirname(statsPath(resolved.cacheDir, key))))
      options.onNotice?.(notice);
    const cached = readCached(resolved.cacheDir, key, dim);
    if (cached) {
      result.set(layer, cached);
      options.onProgress?.({ layer, done: key.samples, total: key.samples, tokens: 0 });
    } else missing.push(key);
  }
  const stopped = resolved.untilStable ? findStoppedEarly(resolved, missing, dim) : null;
  if (stopped) {
    for (const ref of stopped) {
      result.set(ref.layer, ref);
      options.onProgress?.({ layer: ref.layer, done: ref.key.samples, total: ref.key.samples, tokens: 0 });
    }
    missing.length = 0;
  }
  if (missing.length > 0) {
    requireSamples(resolved.corpusFiles, resolved.first + resolved.samples);
    const budget = options.memoryBudget ?? null;
    const fallback = defaultStatsBudget(model.parameterBytes());
    const plan = planStatsMemory(
      missing.map((key) => key.layer),
      dim,
      resolved.dtype,
      budget ?? fallback.bytes,
      budget === null ? fallback.reason : "given",
      { stabilityCheck: resolved.untilStable !== null },
    );
    options.onPlan?.(plan);
    const passes = plan.passes.map((layers) => missing.filter((key) => layers.includes(key.layer)));
    const pass = (index: number) => (passes.length > 1 ? { pass: index + 1, passes: passes.length } : {});
    // under untilStable a pass may stop once its layers are stable, but not before the samples an
    // earlier pass reached; passes that stopped short of the last one's are then summed again to it
    const reached: number[] = [];
    const early = resolved.untilStable ? { rule: stoppingRule(resolved), asked: resolved.samples } : null;
    for (const [index, keys] of passes.entries()) {
      // accumulators are allocated for this pass only, and dropped once written
      const jobs = keys.map((key) => newJob(resolved.cacheDir, key, dim, planStart(freshPlan(resolved))));
      const floor = Math.max(0, ...reached);
      const refs = await computeJobs(model, tokenizer, resolved, jobs, options, pass(index), floor, early);
      for (const ref of refs) result.set(ref.layer, ref);
      reached.push(refs[0].key.samples);
    }
    const samples = Math.max(...reached);
    const fixed: ResolvedStatsOptions = { ...resolved, samples, untilStable: null };
    for (const [index, keys] of passes.entries()) {
      if (reached[index] === samples) continue;
      for (const key of keys) rmSync(result.get(key.layer)!.path, { force: true });
      const jobs = keys.map((key) =>
        newJob(resolved.cacheDir, { ...key, samples }, dim, planStart(freshPlan(fixed))),
      );
      for (const ref of await computeJobs(model, tokenizer, fixed, jobs, options, pass(index), 0, early))
        result.set(ref.layer, ref);
    }
  }
  return new Map([...result].sort(([a], [b]) => a - b));
}

/** What an untilStable run records in the files it stopped early: the rule, and the samples asked for. */
function stoppingRule(resolved: ResolvedStatsOptions): string {
  const rule = resolved.untilStable!;
  return JSON.stringify({
    tolerance: rule.tolerance,
    lambda: rule.lambda ?? DEFAULT_STABLE_LAMBDA,
    probe_keys: rule.probeKeys ?? DEFAULT_PROBE_KEYS,
    samples_asked: resolved.samples,
  });
}

/**
 * The statistics an earlier run with the same untilStable rule and sample count stopped early for
 * every layer in `keys` (keyed by the samples it reached, the same for all of them), or null: a
 * rerun then reads them instead of summing the corpus again.
 */
function findStoppedEarly(
  resolved: ResolvedStatsOptions,
  keys: readonly StatsKey[],
  dim: number,
): StatsRef[] | null {
  if (keys.length === 0) return null;
  const rule = stoppingRule(resolved);
  const reachedBy = keys.map((key) => {
    const path = statsPath(resolved.cacheDir, { ...key, samples: 0 });
    const name = basename(path);
    const at = name.indexOf(".n0");
    const [prefix, suffix] = [name.slice(0, at + 2), name.slice(at + 3)];
    const dir = dirname(path);
    if (!existsSync(dir)) return new Set<number>();
    const samples = readdirSync(dir)
      .filter((f) => f.startsWith(prefix) && f.endsWith(suffix))
      .map((f) => f.slice(prefix.length, f.length - suffix.length))
      .filter((n) => /^[1-9][0-9]*$/.test(n))
      .map(Number)
      .filter((n) => n < resolved.samples);
    return new Set(samples);
  });
  const common = [...reachedBy[0]].filter((n) => reachedBy.every((set) => set.has(n)));
  for (const samples of common.sort((a, b) => b - a)) {
    const paths = keys.map((key) => statsPath(resolved.cacheDir, { ...key, samples }));
    if (!paths.every((path) => readStatsMetadata(path, UNTIL_STABLE_FIELD) === rule)) continue;
    return keys.map((key) => readCached(resolved.cacheDir, { ...key, samples }, dim)!);
  }
  return null;
}

function pick(resolved: ResolvedStatsOptions) {
  const first = resolved.first > 0 ? { first: resolved.first } : {};
  return { samples: resolved.samples, ...first, maxLen: resolved.maxLen, dtype: resolved.dtype };
}

function freshPlan(resolved: ResolvedStatsOptions): BatchPlan {
  return {
    samples: resolved.samples,
    ...(resolved.first > 0 ? { first: resolved.first } : {}),
    maxLen: resolved.maxLen,
    batchTokens: resolved.batchTokens,
    windowSamples: resolved.windowSamples,
  };
}

function readCached(cacheDir: string, key: StatsKey, dim: number): StatsRef | null {
  const path = statsPath(cacheDir, key);
  if (!existsSync(path)) return null;
  const stats = readStatsRef(path, key);
  rmSync(partialPath(cacheDir, key), { force: true }); // left over if a run stopped right after finishing
  if (stats.dim !== dim)
    throw new Error(`${path}: statistics of width ${stats.dim}, the model's keys have ${dim}`);
  return stats;
}

/** A job starting from its partial file when there is one, else from `start` with zero sums. */
function newJob(cacheDir: string, key: StatsKey, dim: number, start: PlanCursor): LayerJob {
  const job: LayerJob = {
    cacheDir,
    key,
    partialPath: partialPath(cacheDir, key),
    acc: newAccumulator(key.layer, dim, key.dtype),
    cursor: start,
    plan: null,
  };
  const partial = readPartialFile(job.partialPath, key);
  if (partial) {
    if (partial.sum.length !== dim * dim)
      throw new Error(
        `${job.partialPath}: partial sum of ${partial.sum.length} values, expected ${dim}×${dim}`,
      );
    Object.assign(job, { cursor: partial.cursor, plan: partial.plan });
    Object.assign(job.acc, { sum: partial.sum, count: partial.count });
  }
  return job;
}

/** The batch plan: the one of the run being resumed (all partial files must agree), else a new one. */
function choosePlan(jobs: LayerJob[], resolved: ResolvedStatsOptions): BatchPlan {
  const fresh = freshPlan(resolved);
  const resumed = jobs.filter((job) => job.plan !== null);
  if (resumed.length === 0) return fresh;
  const plan = resumed[0].plan as BatchPlan;
  for (const job of resumed)
    if (JSON.stringify(job.plan) !== JSON.stringify(plan))
      throw new Error(
        `${job.partialPath} and ${resumed[0].partialPath}: partial statistics from different batch plans; ` +
          `delete one to restart it`,
      );
  if (
    plan.samples !== fresh.samples ||
    (plan.first ?? 0) !== (fresh.first ?? 0) ||
    plan.maxLen !== fresh.maxLen
  )
    throw new Error(`${resumed[0].partialPath}: partial statistics plan does not match its key`);
  return plan;
}

async function computeJobs(
  model: CausalLM,
  tokenizer: Tokenizer,
  resolved: ResolvedStatsOptions,
  jobs: LayerJob[],
  options: StatsOptions,
  pass: { pass?: number; passes?: number },
  /** under untilStable, the samples to reach before stopping */
  floor: number,
  /** under untilStable, its rule and the samples asked for, recorded in files that stop short of them */
  early: EarlyStop | null,
): Promise<StatsRef[]> {
  const plan = choosePlan(jobs, resolved);
  const start = jobs.reduce(
    (min, job) => (job.cursor.ordinal < min.ordinal ? job.cursor : min),
    jobs[0].cursor,
  );
  const checkpoints = new CheckpointClock(options);
  const scratch = new MomentScratch();
  const monitor = resolved.untilStable ? new StabilityMonitor(resolved.untilStable) : null;
  const check = () =>
    monitor?.check(
      jobs.map((job) => job.acc),
      jobs[0].cursor.samplesDone,
    );
  let window = start.window;
  let tokens = 0;
  for (const batch of planBatches(resolved.corpusFiles, tokenizer, plan, start)) {
    if (monitor && batch.cursor.window !== window && jobs.every((job) => job.acc.count > 0)) {
      window = batch.cursor.window;
      if (check()?.stable && jobs[0].cursor.samplesDone >= floor) break;
    }
    const needing = jobs.filter((job) => job.cursor.ordinal <= batch.cursor.ordinal);
    accumulateBatch(
      model,
      batch,
      needing.map((job) => job.acc),
      scratch,
      monitor ? (layer, keys, n, dim) => monitor.observe(layer, keys, n, dim) : undefined,
    );
    const after = cursorAfter(batch);
    for (const job of needing) job.cursor = after;
    tokens += batch.tokens;
    options.onProgress?.({ done: after.samplesDone, total: plan.samples, tokens, ...pass });
    if (options.signal?.aborted) {
      writePartials(jobs, plan);
      throw options.signal.reason;
    }
    if (checkpoints.due()) checkpoints.timed(() => writePartials(jobs, plan));
    await new Promise((resolve) => setImmediate(resolve)); // let signal handlers run between batches
  }
  return jobs.map((job) => finishJob(job, plan, resolved, early));
}

function writePartials(jobs: LayerJob[], plan: BatchPlan): void {
  for (const job of jobs)
    writePartialFile(job.partialPath, job.key, {
      sum: job.acc.sum,
      count: job.acc.count,
      cursor: job.cursor,
      plan,
    });
}

/**
 * Stores a finished layer: the sum rounded to the key's dtype in place (as a cache hit would read
 * it), except for a shard (kept in float64 for merging). A run stopped by untilStable is keyed by
 * the samples it reached.
 */
function finishJob(
  job: LayerJob,
  plan: BatchPlan,
  resolved: ResolvedStatsOptions,
  early: EarlyStop | null,
): StatsRef {
  const reached = job.cursor.samplesDone;
  if (reached !== plan.samples && !(resolved.untilStable && reached > 0))
    throw new Error(`layer ${job.key.layer}: ${reached} samples summed, expected ${plan.samples}`);
  const key = { ...job.key, samples: reached };
  const float64 = resolved.shard !== null;
  const sum = job.acc.sum;
  if (key.dtype === "float32" && !float64) for (let i = 0; i < sum.length; i++) sum[i] = Math.fround(sum[i]);
  const stats: LayerStats = { layer: key.layer, dim: job.acc.dim, count: job.acc.count, sum, key };
  const shard: Record<string, string> = resolved.shard
    ? { shard: `${resolved.shard.index}/${resolved.shard.count}` }
    : early && reached < early.asked
      ? { [UNTIL_STABLE_FIELD]: early.rule }
      : {};
  const path = statsPath(job.cacheDir, key);
  writeStatsFile(path, stats, shard, float64);
  rmSync(job.partialPath, { force: true });
  return { layer: stats.layer, dim: stats.dim, count: stats.count, key, path };
}

/** When to write partial sums: every `batches` batches, or after `seconds` and ≥ 9× the last write's time. */
class CheckpointClock {
  private last = Date.now();
  private lastWriteMs = 0;
  private batchesSince = 0;
  private readonly seconds: number;
  private readonly batches: number;

  constructor(options: StatsOptions) {
    this.seconds = options.checkpoint?.seconds ?? DEFAULT_CHECKPOINT_SECONDS;
    this.batches = options.checkpoint?.batches ?? Infinity;
  }

  due(): boolean {
    this.batchesSince++;
    const waitMs = Math.max(this.seconds * 1000, 9 * this.lastWriteMs);
    return this.batchesSince >= this.batches || Date.now() - this.last >= waitMs;
  }

  timed(write: () => void): void {
    const started = Date.now();
    write();
    this.last = Date.now();
    this.lastWriteMs = this.last - started;
    this.batchesSince = 0;
  }
}
