// loadOrComputeStats: ROME/MEMIT's layer_stats with a cache — C0's running sum Σ k kᵀ and count
// per layer, read from the cache when present, otherwise computed in one pass over the corpus
// for all missing layers at once, with periodic atomic checkpoints of the partial sums from which
// an interrupted run resumes to the exact same result. A shard (options.shard) runs whole windows
// of the plan, so N shards sum the unsharded run's batches; untilStable stops between windows once
// C0 is stable for editing (stability.ts), keying the result by the samples reached.
import { existsSync, rmSync } from "node:fs";
import type { CausalLM } from "../models/causal-lm.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { accumulateBatch, MomentScratch, newAccumulator, type MomentAccumulator } from "./accumulate.js";
import { cursorAfter, planBatches, planStart, type BatchPlan, type PlanCursor } from "./batches.js";
import { requireSamples } from "./corpus.js";
import { corpusFingerprint, modelFingerprint } from "./fingerprint.js";
import { DEFAULT_CHECKPOINT_SECONDS, resolveStatsOptions, type ResolvedStatsOptions } from "./options.js";
import { StabilityMonitor } from "./stability.js";
import {
  partialPath,
  readPartialFile,
  readStatsFile,
  statsPath,
  writePartialFile,
  writeStatsFile,
} from "./stats-file.js";
import type { LayerStats, StatsKey, StatsOptions } from "./types.js";

/** One layer being computed: its accumulator, key, files and the next batch it needs. */
interface LayerJob {
  cacheDir: string;
  key: StatsKey;
  partialPath: string;
  acc: MomentAccumulator;
  cursor: PlanCursor;
  plan: BatchPlan | null;
}

/** Statistics of every requested layer, from the cache or computed (and then cached). */
export async function loadOrComputeStats(
  model: CausalLM,
  tokenizer: Tokenizer,
  options: StatsOptions,
): Promise<Map<number, LayerStats>> {
  const resolved = resolveStatsOptions(model, options);
  const modelFp = modelFingerprint(resolved.modelDir);
  const corpusFp = corpusFingerprint(resolved.corpusFiles);
  const dim = model.config.intermediateSize;
  const result = new Map<number, LayerStats>();
  const jobs: LayerJob[] = [];
  for (const layer of resolved.layers) {
    const key: StatsKey = { model: modelFp, layer, corpus: corpusFp, ...pick(resolved) };
    const cached = readCached(resolved.cacheDir, key, dim);
    if (cached) {
      result.set(layer, cached);
      options.onProgress?.({ layer, done: key.samples, total: key.samples, tokens: 0 });
    } else jobs.push(newJob(resolved.cacheDir, key, dim, planStart(freshPlan(resolved))));
  }
  if (jobs.length > 0) {
    requireSamples(resolved.corpusFiles, resolved.first + resolved.samples);
    for (const stats of await computeJobs(model, tokenizer, resolved, jobs, options))
      result.set(stats.layer, stats);
  }
  return new Map([...result].sort(([a], [b]) => a - b));
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

function readCached(cacheDir: string, key: StatsKey, dim: number): LayerStats | null {
  const path = statsPath(cacheDir, key);
  if (!existsSync(path)) return null;
  const stats = readStatsFile(path, key);
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
): Promise<LayerStats[]> {
  const plan = choosePlan(jobs, resolved);
  const start = jobs.reduce(
    (min, job) => (job.cursor.ordinal < min.ordinal ? job.cursor : min),
    jobs[0].cursor,
  );
  const checkpoints = new CheckpointClock(options);
  const scratch = new MomentScratch();
  const monitor = resolved.untilStable ? new StabilityMonitor(resolved.untilStable) : null;
  let window = start.window;
  let tokens = 0;
  for (const batch of planBatches(resolved.corpusFiles, tokenizer, plan, start)) {
    if (monitor && batch.cursor.window !== window && jobs.every((job) => job.acc.count > 0)) {
      window = batch.cursor.window;
      if (
        monitor.check(
          jobs.map((job) => job.acc),
          jobs[0].cursor.samplesDone,
        ).stable
      )
        break;
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
    options.onProgress?.({ done: after.samplesDone, total: plan.samples, tokens });
    if (options.signal?.aborted) {
      writePartials(jobs, plan);
      throw options.signal.reason;
    }
    if (checkpoints.due()) checkpoints.timed(() => writePartials(jobs, plan));
    await new Promise((resolve) => setImmediate(resolve)); // let signal handlers run between batches
  }
  return jobs.map((job) => finishJob(job, plan, resolved));
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
 * Stores a finished layer: the sum rounded to the key's dtype, so that a cache hit returns the same
 * values, except for a shard (kept in float64 for merging). A run stopped by untilStable is keyed
 * by the samples it reached.
 */
function finishJob(job: LayerJob, plan: BatchPlan, resolved: ResolvedStatsOptions): LayerStats {
  const reached = job.cursor.samplesDone;
  if (reached !== plan.samples && !(resolved.untilStable && reached > 0))
    throw new Error(`layer ${job.key.layer}: ${reached} samples summed, expected ${plan.samples}`);
  const key = { ...job.key, samples: reached };
  const float64 = resolved.shard !== null;
  const sum =
    key.dtype === "float32" && !float64 ? Float64Array.from(Float32Array.from(job.acc.sum)) : job.acc.sum;
  const stats: LayerStats = { layer: key.layer, dim: job.acc.dim, count: job.acc.count, sum, key };
  const shard: Record<string, string> = resolved.shard
    ? { shard: `${resolved.shard.index}/${resolved.shard.count}` }
    : {};
  writeStatsFile(statsPath(job.cacheDir, key), stats, shard, float64);
  rmSync(job.partialPath, { force: true });
  return stats;
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
