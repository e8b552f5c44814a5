// ensureStats / loadOrComputeStats: ROME/MEMIT's layer_stats with a cache — C0's running sum
// Σ k kᵀ and count per layer, found in the cache when present, otherwise computed over the corpus:
// the missing layers in as few passes as the memory budget allows (memory-plan.ts), each pass
// writing its layers to the cache and dropping them before the next starts, with periodic atomic
// checkpoints of the partial sums from which an interrupted run resumes to the exact same result.
import { existsSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { removeStaleTemporaryFiles } from "../io/staging.js";
import type { CausalLM } from "../models/causal-lm.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { accumulateBatch, MomentScratch, newAccumulator, type MomentAccumulator } from "./accumulate.js";
import { cursorAfter, planBatches, START, type BatchPlan, type PlanCursor } from "./batches.js";
import { requireSamples } from "./corpus.js";
import { corpusFingerprint, layerFingerprints } from "./fingerprint.js";
import {
  DEFAULT_CHECKPOINT_SECONDS,
  resolveStatsOptions,
  WINDOW_SAMPLES,
  type ResolvedStatsOptions,
} from "./options.js";
import { defaultStatsBudget, planStatsMemory } from "./memory-plan.js";
import {
  partialPath,
  readPartialFile,
  readStatsFile,
  readStatsRef,
  statsPath,
  writePartialFile,
  writeStatsFile,
} from "./stats-file.js";
import type { LayerStats, StatsKey, StatsOptions, StatsRef } from "./types.js";

/** One layer being computed: its accumulator, key, files and the next batch it needs. */
interface LayerJob {
  key: StatsKey;
  path: string;
  partialPath: string;
  acc: MomentAccumulator;
  cursor: PlanCursor;
  plan: BatchPlan | null;
}

/** Statistics of every requested layer, from the cache or computed (and then cached), with their sums. */
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
  if (missing.length > 0) {
    requireSamples(resolved.corpusFiles, resolved.samples);
    const budget = options.memoryBudget ?? null;
    const fallback = defaultStatsBudget(model.parameterBytes());
    const plan = planStatsMemory(
      missing.map((key) => key.layer),
      dim,
      resolved.dtype,
      budget ?? fallback.bytes,
      budget === null ? fallback.reason : "given",
    );
    options.onPlan?.(plan);
    for (const [index, layers] of plan.passes.entries()) {
      // accumulators are allocated for this pass only, and dropped once written
      const jobs = missing
        .filter((key) => layers.includes(key.layer))
        .map((key) => newJob(resolved.cacheDir, key, dim));
      const pass = plan.passes.length > 1 ? { pass: index + 1, passes: plan.passes.length } : {};
      for (const ref of await computeJobs(model, tokenizer, resolved, jobs, options, pass))
        result.set(ref.layer, ref);
    }
  }
  return new Map([...result].sort(([a], [b]) => a - b));
}

function pick(resolved: ResolvedStatsOptions) {
  return { samples: resolved.samples, maxLen: resolved.maxLen, dtype: resolved.dtype };
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

/** A job starting from its partial file when there is one, else from zero. */
function newJob(cacheDir: string, key: StatsKey, dim: number): LayerJob {
  const job: LayerJob = {
    key,
    path: statsPath(cacheDir, key),
    partialPath: partialPath(cacheDir, key),
    acc: newAccumulator(key.layer, dim, key.dtype),
    cursor: START,
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
  const fresh: BatchPlan = {
    samples: resolved.samples,
    maxLen: resolved.maxLen,
    batchTokens: resolved.batchTokens,
    windowSamples: WINDOW_SAMPLES,
  };
  const resumed = jobs.filter((job) => job.plan !== null);
  if (resumed.length === 0) return fresh;
  const plan = resumed[0].plan as BatchPlan;
  for (const job of resumed)
    if (JSON.stringify(job.plan) !== JSON.stringify(plan))
      throw new Error(
        `${job.partialPath} and ${resumed[0].partialPath}: partial statistics from different batch plans; ` +
          `delete one to restart it`,
      );
  if (plan.samples !== fresh.samples || plan.maxLen !== fresh.maxLen)
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
): Promise<StatsRef[]> {
  const plan = choosePlan(jobs, resolved);
  const start = jobs.reduce(
    (min, job) => (job.cursor.ordinal < min.ordinal ? job.cursor : min),
    jobs[0].cursor,
  );
  const checkpoints = new CheckpointClock(options);
  const scratch = new MomentScratch();
  let tokens = 0;
  for (const batch of planBatches(resolved.corpusFiles, tokenizer, plan, start)) {
    const needing = jobs.filter((job) => job.cursor.ordinal <= batch.cursor.ordinal);
    accumulateBatch(
      model,
      batch,
      needing.map((job) => job.acc),
      scratch,
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
  return jobs.map((job) => finishJob(job, plan));
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

/** Stores a finished layer (sum rounded to the key's dtype in place, as a cache hit would read it). */
function finishJob(job: LayerJob, plan: BatchPlan): StatsRef {
  if (job.cursor.samplesDone !== plan.samples)
    throw new Error(
      `layer ${job.key.layer}: ${job.cursor.samplesDone} samples summed, expected ${plan.samples}`,
    );
  const sum = job.acc.sum;
  if (job.key.dtype === "float32") for (let i = 0; i < sum.length; i++) sum[i] = Math.fround(sum[i]);
  const stats: LayerStats = {
    layer: job.key.layer,
    dim: job.acc.dim,
    count: job.acc.count,
    sum,
    key: job.key,
  };
  writeStatsFile(job.path, stats);
  rmSync(job.partialPath, { force: true });
  return { layer: stats.layer, dim: stats.dim, count: stats.count, key: stats.key, path: job.path };
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
