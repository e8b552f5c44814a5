// Progress reporting for long CLI jobs: a redrawn bar on a TTY (stderr), otherwise nothing but
// the final line, so logs and pipes stay clean.

export interface ProgressBar {
  update(done: number, total: number, detail?: string): void;
  finish(message?: string): void;
}

export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  const tty = stream.isTTY === true;
  const started = Date.now();
  let lastDraw = 0;
  return {
    update(done, total, detail = "") {
      if (!tty) return;
      const now = Date.now();
      if (now - lastDraw < 80 && done < total) return;
      lastDraw = now;
      const width = 28;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      const bar = "█".repeat(filled) + "░".repeat(width - filled);
      const secs = ((now - started) / 1000).toFixed(1);
      stream.write(
        `\r${label} ${bar} ${done}/${total} ${secs}s ${detail}`.slice(0, (stream.columns ?? 100) - 1) +
          "\x1b[K",
      );
    },
    finish(message) {
      if (tty) stream.write("\r\x1b[K");
      if (message) stream.write(`${message}\n`);
    },
  };
}
