// Command-line options of `npm run bench` and the context every benchmark group receives.
//   --json            print only the JSON array of rows on stdout (progress goes to stderr)
//   --only <text>     run only the rows whose name contains <text> (case-insensitive; repeatable)
//   --quick           fewer repetitions (about a minute in all)
//   --threads <n>     BLAS / PyTorch threads on both sides (default 2)
import type { Repetitions } from "./timing.js";

export interface BenchOptions {
  json: boolean;
  quick: boolean;
  threads: number;
  only: string[];
}

export interface BenchContext extends BenchOptions {
  /** whether a row of this name is to be run */
  selected(name: string): boolean;
  /** a progress line on stderr */
  log(message: string): void;
  /** what each baseline reported about its environment, printed above the table */
  environments: string[];
  /** repetitions for fast kernels (grouped calls) and for whole-model passes */
  kernelReps: Repetitions;
  modelReps: Repetitions;
}

export const USAGE = "usage: npm run bench -- [--json] [--quick] [--only <substring>]... [--threads <n>]";

export function parseOptions(argv: readonly string[]): BenchOptions {
  const options: BenchOptions = { json: false, quick: false, threads: 2, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      return next;
    };
    if (arg === "--json") options.json = true;
    else if (arg === "--quick") options.quick = true;
    else if (arg === "--only") options.only.push(value().toLowerCase());
    else if (arg === "--threads") {
      const threads = Number(value());
      if (!Number.isInteger(threads) || threads < 1) throw new Error(`--threads needs a positive integer`);
      options.threads = threads;
    } else if (arg === "--help" || arg === "-h") throw new Error(USAGE);
    else throw new Error(`unknown option '${arg}'\n${USAGE}`);
  }
  return options;
}

export function makeContext(options: BenchOptions): BenchContext {
  return {
    ...options,
    selected: (name) =>
      options.only.length === 0 || options.only.some((text) => name.toLowerCase().includes(text)),
    log: (message) => process.stderr.write(`${message}\n`),
    environments: [],
    kernelReps: options.quick ? { warmup: 2, reps: 5 } : { warmup: 3, reps: 15 },
    modelReps: options.quick ? { warmup: 1, reps: 1 } : { warmup: 1, reps: 3 },
  };
}
