// Peak resident memory of locedit at real sizes (issue 12 §1), measured with GNU time
// (`/usr/bin/time -v`, "Maximum resident set size") on random-weight checkpoints of the real
// shapes (make-random-checkpoint.ts), one model at a time:
//   GPT2-XL F32:   `locedit edit` of one request (MEMIT)          target ≤ 1.3 × the file size
//   Llama3-8B BF16 (sharded): `locedit generate`                   target ≤ 1.15 × the files' size
//                             one MEMIT+BLUE edit                  target ≤ 21 GB
//   GPT-J-6B F16:  `locedit generate` and one MEMIT+BLUE edit, likewise.
// The edits are shortened to what still runs every step of the path: the shipped hyperparameters
// with 2 compute_z steps and 5 sampled context templates of 5 tokens, statistics over a few hundred tokens of
// a small corpus (C0 is then singular; the solve adds its ridge: bench/results/README.md).
//   node dist/scripts/measure-peak-memory.js --shape llama3-8b --dir /work/bigmodels
//        [--keep] [--only generate|edit] [--min-available GB] [--results FILE] [--layers N]
// The checkpoint is written to DIR/<shape> when absent and deleted afterwards unless --keep;
// results are merged into bench/results/peak-memory.json (one record per shape and command).
import { spawnSync } from "node:child_process";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { freemem, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { writeFileAtomic } from "../src/io/atomic.js";
import { packageRoot } from "../src/util/package-root.js";
import { SHAPES, writeRandomCheckpoint, type ShapeName } from "./make-random-checkpoint.js";

export interface PeakRecord {
  shape: string;
  dtype: string;
  command: string;
  /** bytes of the safetensors files */
  file_bytes: number;
  peak_rss_bytes: number;
  /** peak / file size */
  ratio: number;
  /** "≤ 1.3 × files", "≤ 21 GB" */
  target: string;
  met: boolean;
  seconds: number;
  load_average: number;
  date: string;
  notes: string;
}

const ROOT = packageRoot();
const CLI = join(ROOT, "dist", "src", "cli", "main.js");
const DEFAULT_RESULTS = join(ROOT, "bench", "results", "peak-memory.json");
const REQUEST = {
  prompt: "{} plays the sport of",
  subject: "LeBron James",
  target_new: " football",
  target_true: " basketball",
};
/** ~300 GPT-2 tokens over 8 lines: enough to exercise the statistics, not to estimate C0 */
const CORPUS = [
  "The history of the city goes back to a small fishing village on the northern bank of the river.",
  "In the following centuries the settlement grew into a market town, with a church, a bridge and a mill.",
  "Railways reached the town in the nineteenth century and brought factories, workers and new streets.",
  "Today the old harbour is a museum, and the warehouses along the quay hold shops, studios and flats.",
  "The football club was founded by railway workers and still plays in a stadium near the station.",
  "Every summer a music festival fills the park by the river with stages, tents and food stalls.",
  "The university opened in 1965 and now teaches engineering, medicine, law and the humanities.",
  "Local newspapers report that the population has doubled since the motorway was built in the seventies.",
];

interface Run {
  command: "generate" | "edit";
  args: string[];
  target: (fileBytes: number) => { bytes: number; text: string };
  notes: string;
}

function runsFor(shape: ShapeName, model: string, work: string): Run[] {
  const generate: Run = {
    command: "generate",
    args: ["generate", "--model", model, "--prompt", "The capital of France is", "--max-new-tokens", "8"],
    target: (files) => ({ bytes: 1.15 * files, text: "≤ 1.15 × files" }),
    notes: "greedy, 8 new tokens",
  };
  const blue = shape !== "gpt2-xl";
  const hparams = join(work, "hparams.json");
  const shipped = JSON.parse(
    readFileSync(join(ROOT, "hparams", "memit", `${shape}${blue ? "-blue" : ""}.json`), "utf8"),
  );
  writeFileSync(
    hparams,
    JSON.stringify({ ...shipped, v_num_grad_steps: 2, context_template_length_params: [[5, 5]] }),
  );
  writeFileSync(join(work, "request.json"), JSON.stringify([REQUEST]));
  writeFileSync(join(work, "corpus.txt"), CORPUS.join("\n") + "\n");
  const edit: Run = {
    command: "edit",
    args: [
      "edit",
      "--model",
      model,
      "--method",
      "memit",
      ...(blue ? ["--blue"] : []),
      "--hparams",
      hparams,
      "--requests",
      join(work, "request.json"),
      "--stats",
      join(work, "stats"),
      "--corpus",
      join(work, "corpus.txt"),
      "--samples",
      String(CORPUS.length),
      "--out",
      join(work, "edited"),
    ],
    target: (files) =>
      blue ? { bytes: 21e9, text: "≤ 21 GB" } : { bytes: 1.3 * files, text: "≤ 1.3 × file" },
    notes:
      `${blue ? "MEMIT+BLUE" : "MEMIT"} (shipped hparams/memit/${shape}${blue ? "-blue" : ""}.json, layers ` +
      `${JSON.stringify(shipped.layers)}) with v_num_grad_steps 2 and 5 context templates of 5 tokens; statistics over the ` +
      `${CORPUS.length}-line corpus of this script; the edited folder saved in the checkpoint's dtype`,
  };
  return shape === "gpt2-xl" ? [edit] : [generate, edit];
}

function filesBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".safetensors"))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** Runs `node CLI args` under /usr/bin/time -v; returns its peak RSS in bytes and seconds. */
function measure(args: string[], log: string): { peak: number; seconds: number } {
  const started = Date.now();
  const fd = openSync(log, "w"); // the command's output and GNU time's report, as they come
  let status: number | null;
  try {
    status = spawnSync("/usr/bin/time", ["-v", process.execPath, CLI, ...args], {
      stdio: ["ignore", fd, fd],
    }).status;
  } finally {
    closeSync(fd);
  }
  if (status !== 0) throw new Error(`locedit ${args[0]} exited with ${status}; see ${log}`);
  const match = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(log, "utf8"));
  if (!match) throw new Error(`no "Maximum resident set size" in the output of /usr/bin/time; see ${log}`);
  return { peak: Number(match[1]) * 1024, seconds: (Date.now() - started) / 1000 };
}

async function waitForMemory(bytes: number): Promise<void> {
  while (freemem() < bytes) {
    console.error(
      `waiting: ${(freemem() / 1e9).toFixed(1)} GB available, want ${(bytes / 1e9).toFixed(1)} GB`,
    );
    await new Promise((resolve) => setTimeout(resolve, 30_000));
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      shape: { type: "string" },
      dir: { type: "string" },
      keep: { type: "boolean" },
      only: { type: "string" },
      "min-available": { type: "string" },
      results: { type: "string" },
      layers: { type: "string" },
    },
  });
  const shape = values.shape as ShapeName;
  if (!(shape in SHAPES) || !values.dir) {
    console.error(
      `usage: measure-peak-memory --shape ${Object.keys(SHAPES).join("|")} --dir DIR [--keep] [--only generate|edit] [--min-available GB] [--layers N]`,
    );
    process.exit(2);
  }
  if (!existsSync("/usr/bin/time")) throw new Error("/usr/bin/time is missing: apt-get install -y time");
  const model = join(values.dir, values.layers ? `${shape}-${values.layers}l` : shape);
  const work = join(values.dir, `${shape}-work`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  if (!existsSync(model)) {
    console.error(`writing ${model}`);
    writeRandomCheckpoint(shape, model, {
      layers: values.layers === undefined ? undefined : Number(values.layers),
    });
  }
  const fileBytes = filesBytes(model);
  const resultsPath = values.results ?? DEFAULT_RESULTS;
  const records: PeakRecord[] = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, "utf8")) : [];
  try {
    for (const run of runsFor(shape, model, work)) {
      if (values.only && values.only !== run.command) continue;
      const want = values["min-available"] === undefined ? 0 : Number(values["min-available"]) * 1e9;
      await waitForMemory(want);
      const load = loadavg()[0];
      console.error(`${shape}: locedit ${run.command} (load average ${load.toFixed(1)})`);
      const { peak, seconds } = measure(run.args, join(work, `${run.command}.log`));
      const target = run.target(fileBytes);
      const record: PeakRecord = {
        shape: values.layers ? `${shape} (${values.layers} layers)` : shape,
        dtype: SHAPES[shape].dtype,
        command: `locedit ${run.command}`,
        file_bytes: fileBytes,
        peak_rss_bytes: peak,
        ratio: peak / fileBytes,
        target: target.text,
        met: peak <= target.bytes,
        seconds,
        load_average: load,
        date: new Date().toISOString(),
        notes: run.notes,
      };
      console.log(JSON.stringify(record));
      const at = records.findIndex((r) => r.shape === record.shape && r.command === record.command);
      if (at >= 0) records[at] = record;
      else records.push(record);
      mkdirSync(join(resultsPath, ".."), { recursive: true });
      writeFileAtomic(resultsPath, `${JSON.stringify(records, null, 2)}\n`);
    }
  } finally {
    if (!values.keep) rmSync(model, { recursive: true, force: true });
  }
}

await main();
