// Progress reporting for long CLI jobs (stderr): a redrawn bar on a TTY; off a terminal (a job
// log, CI, a scheduler) nothing but the final line, or with `plainEveryMs` plain lines at most
// that often. Updates that name a stage (long commands: edit, stats, eval, demo) also get a line
// whenever the stage changes, with the time elapsed and an ETA from the stage's own pace.

export interface ProgressBar {
  /** `stage` names what is running; off a TTY a new stage starts a new plain line */
  update(done: number, total: number, detail?: string, stage?: string): void;
  /** a line of its own above the bar (TTY) or in the log */
  note(message: string): void;
  finish(message?: string): void;
}

export interface ProgressOptions {
  stream?: Pick<NodeJS.WriteStream, "write" | "isTTY" | "columns">;
  /** off a TTY: print a plain progress line at most this often, and at each new stage (default: never) */
  plainEveryMs?: number;
  /** how `done/total` is shown (default: the two numbers) */
  format?: (done: number, total: number) => string;
  /** the clock, for tests */
  now?: () => number;
}

/** Plain lines every 30 s and at each stage: what long commands use off a TTY (issue 14). */
export const LONG_COMMAND: ProgressOptions = { plainEveryMs: 30_000 };

/** "42s", "3m05s", "1h02m". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}

export function progressBar(label: string, options: NodeJS.WriteStream | ProgressOptions = {}): ProgressBar {
  const opts: ProgressOptions = "write" in options ? { stream: options as NodeJS.WriteStream } : options;
  const stream = opts.stream ?? process.stderr;
  const format = opts.format ?? ((done, total) => `${done}/${total}`);
  const now = opts.now ?? Date.now;
  const tty = stream.isTTY === true;
  const started = now();
  let lastDraw = 0;
  let lastPlain = started;
  let stage = "";
  let stageStarted = started;

  function plainLine(done: number, total: number, detail: string, time: number): string {
    if (stage === "")
      return `${label} ${format(done, total)} ${((time - started) / 1000).toFixed(1)}s ${detail}`.trimEnd();
    const inStage = (time - stageStarted) / 1000;
    const eta =
      inStage > 0 && done > 0 && total > done
        ? `, ETA ${formatSeconds((inStage / done) * (total - done))}`
        : "";
    const step = total > 0 ? ` ${format(done, total)}` : "";
    const extra = detail && detail !== stage ? ` (${detail})` : "";
    return `${label}: ${stage}${step}${extra}, ${formatSeconds((time - started) / 1000)} elapsed${eta}`;
  }

  return {
    update(done, total, detail = "", stageName = stage) {
      const time = now();
      if (!tty) {
        if (opts.plainEveryMs === undefined) return;
        const newStage = stageName !== stage;
        if (newStage) [stage, stageStarted] = [stageName, time];
        if (!newStage && time - lastPlain < opts.plainEveryMs) return;
        lastPlain = time;
        stream.write(`${plainLine(done, total, detail, time)}\n`);
        return;
      }
      if (time - lastDraw < 80 && done < total) return;
      lastDraw = time;
      const secs = ((time - started) / 1000).toFixed(1);
      const width = 28;
      const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      stream.write(
        `\r${label} ${bar} ${format(done, total)} ${secs}s ${detail}`.slice(0, (stream.columns ?? 100) - 1) +
          "\x1b[K",
      );
    },
    note(message) {
      if (tty) stream.write("\r\x1b[K");
      stream.write(`${message}\n`);
      lastDraw = 0;
    },
    finish(message) {
      if (tty) stream.write("\r\x1b[K");
      if (message) stream.write(`${message}\n`);
    },
  };
}
