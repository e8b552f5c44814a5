// A short summary of a loss curve for reports: the mean loss over `points` equal windows of steps.

export interface LossPoint {
  /** last step of the window (1-based) */
  step: number;
  /** mean loss over the window */
  loss: number;
}

export function lossCurve(losses: readonly number[], points = 20): LossPoint[] {
  const out: LossPoint[] = [];
  const n = losses.length;
  const windows = Math.min(points, n);
  for (let w = 0; w < windows; w++) {
    const [from, to] = [Math.floor((w * n) / windows), Math.floor(((w + 1) * n) / windows)];
    let sum = 0;
    for (let i = from; i < to; i++) sum += losses[i];
    out.push({ step: to, loss: sum / (to - from) });
  }
  return out;
}

/** Mean of the last `count` losses (all when fewer). */
export function recentLoss(losses: readonly number[], count = 20): number {
  const tail = losses.slice(-count);
  return tail.length > 0 ? tail.reduce((a, b) => a + b, 0) / tail.length : NaN;
}
