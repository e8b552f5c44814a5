// Timing helpers for the benchmark: wall-clock samples with warm-up, medians, and an adaptive
// inner-loop count so that one sample of a fast kernel lasts long enough for the timer.
// bench/python/common.py implements the same protocol for the Python baselines.

/** Seconds since an arbitrary origin, from the monotonic high-resolution clock. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

/** Median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Repetitions {
  /** untimed runs first (page faults, thread-pool start, caches) */
  warmup: number;
  /** timed samples; the result is their median */
  reps: number;
}

/** Median seconds of one call to `fn`, over `reps` samples after `warmup` untimed calls. */
export function medianSeconds(fn: () => void, { warmup, reps }: Repetitions): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = now();
    fn();
    samples.push(now() - start);
  }
  return median(samples);
}

/**
 * Seconds per call of a fast kernel, one value per sample: after warm-up, calls are grouped so
 * that one sample lasts at least `minSampleSeconds`, and each sample's time is divided by the
 * group size.
 */
export function secondsPerCallSamples(
  fn: () => void,
  { warmup, reps }: Repetitions,
  minSampleSeconds = 0.05,
): number[] {
  for (let i = 0; i < warmup; i++) fn();
  let inner = 1;
  for (;;) {
    const start = now();
    for (let i = 0; i < inner; i++) fn();
    const elapsed = now() - start;
    if (elapsed >= minSampleSeconds || inner >= 1 << 20) break;
    inner = Math.max(inner * 2, Math.ceil((inner * minSampleSeconds) / Math.max(elapsed, 1e-6)));
  }
  const samples: number[] = [];
  for (let r = 0; r < reps; r++) {
    const start = now();
    for (let i = 0; i < inner; i++) fn();
    samples.push((now() - start) / inner);
  }
  return samples;
}
