// Running `locedit` as a child process for the fault matrix: to completion, or killed with SIGKILL
// after a delay, or once its stderr shows a line (off a TTY, long commands print a progress line
// per stage), so faults can be injected at a chosen point.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { packageRoot } from "../../src/util/package-root.js";

export const CLI = join(packageRoot(), "dist", "src", "cli", "main.js");

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  /** SIGKILL the process this many ms after it started */
  killAfterMs?: number;
  /** called once when stderr first matches; may kill or inject a fault */
  onStderr?: { pattern: RegExp; action: (kill: () => void) => void };
}

/** Runs `locedit <args>` with stdio piped (so stderr is not a TTY). */
export function locedit(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let fired = false;
  const kill = () => child.kill("SIGKILL");
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => {
    stderr += d;
    if (!fired && options.onStderr?.pattern.test(stderr)) {
      fired = true;
      options.onStderr.action(kill);
    }
  });
  const timer = options.killAfterMs === undefined ? null : setTimeout(kill, options.killAfterMs);
  return new Promise((resolve) =>
    child.on("close", (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    }),
  );
}
