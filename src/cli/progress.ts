// Progress reporting for long CLI jobs: a redrawn bar on a TTY (stderr); otherwise nothing but
// the final line, or with `plainEveryMs` a plain line at most that often, so logs and pipes stay
// readable.

export interface ProgressBar {
  update(done: number, total: number, detail?: string): void;
  /** a line of its own above the bar (TTY) or in the log */
  note(message: string): void;
  finish(message?: string): void;
}

export interface ProgressOptions {
  stream?: NodeJS.WriteStream;
  /** off a TTY: print a plain progress line at most this often (default: never) */
  plainEveryMs?: number;
  /** how `done/total` is shown (default: the two numbers) */
  format?: (done: number, total: number) => string;
}

export function progressBar(label: string, options: NodeJS.WriteStream | ProgressOptions = {}): ProgressBar {
  const opts: ProgressOptions = "write" in options ? { stream: options as NodeJS.WriteStream } : options;
  const stream = opts.stream ?? process.stderr;
  const format = opts.format ?? ((done, total) => `${done}/${total}`);
  const tty = stream.isTTY === true;
  const started = Date.now();
  let lastDraw = 0;
  let lastPlain = started;
  return {
    update(done, total, detail = "") {
      const now = Date.now();
      const secs = ((now - started) / 1000).toFixed(1);
      if (!tty) {
        if (opts.plainEveryMs === undefined || now - lastPlain < opts.plainEveryMs) return;
        lastPlain = now;
        stream.write(`${label} ${format(done, total)} ${secs}s ${detail}`.trimEnd() + "\n");
        return;
      }
      if (now - lastDraw < 80 && done < total) return;
      lastDraw = now;
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
