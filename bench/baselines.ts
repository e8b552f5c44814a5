// Runs a Python baseline script from bench/python/ as a subprocess and returns its JSON answer.
// The subprocess inherits our environment unchanged (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, ...)
// plus OPENBLAS_NUM_THREADS / OMP_NUM_THREADS / MKL_NUM_THREADS = the thread count, so both
// sides run the same BLAS configuration. A missing interpreter, numpy or torch is not an error:
// the caller gets `{ ok: false, reason }` and prints the row without a baseline.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export type BaselineAnswer<T> =
  { ok: true; results: T; environment: Record<string, unknown> } | { ok: false; reason: string };

/** The Python interpreter: $LOCEDIT_PYTHON, else /usr/bin/python3 when present, else python3 on PATH. */
export function pythonExecutable(): string {
  return process.env.LOCEDIT_PYTHON ?? (existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3");
}

/** bench/python/, found by walking up from this file (bench/ or dist/bench/). */
function pythonDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, "bench", "python");
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, "python", "bench_common.py"))) return join(dir, "python");
    dir = dirname(dir);
  }
  throw new Error("bench: cannot find the bench/python/ folder of baseline scripts");
}

/** Our environment plus the thread-count variables; nothing else is added or removed. */
export function baselineEnvironment(threads: number): NodeJS.ProcessEnv {
  const n = String(threads);
  return { ...process.env, OPENBLAS_NUM_THREADS: n, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n };
}

/** The BLAS-related variables of an environment, for the report ("unset" when absent). */
export function describeBlasEnvironment(env: NodeJS.ProcessEnv): string {
  const keys = ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"];
  return keys.map((key) => `${key}=${env[key] ?? "unset"}`).join(" ");
}

/** Runs `bench/python/<script>` with `args` as one JSON argument; never throws for a failed baseline. */
export function runPythonBaseline<T>(
  script: string,
  args: unknown,
  threads: number,
  timeoutSeconds: number,
): BaselineAnswer<T> {
  const python = pythonExecutable();
  const path = join(pythonDir(), script);
  const result = spawnSync(python, [path, JSON.stringify(args)], {
    env: baselineEnvironment(threads),
    encoding: "utf8",
    timeout: timeoutSeconds * 1000,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, reason: `${python} not found (set LOCEDIT_PYTHON)` };
    if (code === "ETIMEDOUT") return { ok: false, reason: `${script} ran past ${timeoutSeconds} s` };
    return { ok: false, reason: `${script}: ${result.error.message}` };
  }
  const lastLine = result.stdout.trim().split("\n").pop() ?? "";
  try {
    const answer = JSON.parse(lastLine) as BaselineAnswer<T>;
    if (typeof answer === "object" && answer !== null && "ok" in answer) return answer;
  } catch {
    // fall through to the generic failure below
  }
  const stderrTail = result.stderr.trim().split("\n").slice(-3).join(" | ");
  return {
    ok: false,
    reason: `${script} exited with ${result.status ?? result.signal}: ${stderrTail || "no JSON answer"}`,
  };
}
