// Learning-rate schedule: linear warm-up to the peak, then cosine decay to minRatio·peak
// (Loshchilov & Hutter 2017, "SGDR", without restarts; the GPT-2/nanoGPT recipe).
//   step < W:  lr = peak · (step + 1) / W
//   step ≥ W:  lr = min + ½ (1 + cos(π · (step − W) / (S − W))) · (peak − min),  min = minRatio · peak
// `step` is the 0-based index of the update about to be made; S is the total number of updates.

export interface LearningRateSchedule {
  peak: number;
  warmupSteps: number;
  totalSteps: number;
  /** floor of the cosine as a fraction of the peak (default 0.1) */
  minRatio?: number;
}

export function learningRateAt(step: number, schedule: LearningRateSchedule): number {
  const { peak, warmupSteps, totalSteps } = schedule;
  const min = (schedule.minRatio ?? 0.1) * peak;
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  return min + 0.5 * (1 + Math.cos(Math.PI * progress)) * (peak - min);
}
