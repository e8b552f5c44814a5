// `npm run bench`: locedit's dense kernels, GPT-2 forward/backward and checkpoint loading,
// each beside a baseline measured in the same run (numpy / PyTorch subprocesses from
// bench/python/, same BLAS environment and thread count). Options in options.ts.
// Table on stdout by default; with --json only the JSON array of rows goes to stdout.
import { native } from "../src/native/binding.js";
import { describeBlasEnvironment, pythonExecutable } from "./baselines.js";
import { editRows } from "./edit.js";
import { gpt2Rows } from "./gpt2.js";
import { halfRows } from "./half.js";
import { loadMemoryRows } from "./load-memory.js";
import { makeContext, parseOptions, type BenchContext } from "./options.js";
import { formatJson, formatTable, type Row } from "./report.js";
import { sgemmRows } from "./sgemm.js";
import { trainRows } from "./train.js";
import { now } from "./timing.js";

const GROUPS: { title: string; run: (ctx: BenchContext) => Row[] }[] = [
  { title: "sgemm", run: sgemmRows },
  { title: "gpt2-124M forward / backward", run: gpt2Rows },
  { title: "checkpoint loading", run: loadMemoryRows },
  { title: "16-bit weights and memory at real sizes", run: halfRows },
  { title: "training", run: trainRows },
  { title: "editing", run: editRows },
];

function main(): void {
  let options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  const ctx = makeContext(options);
  native.setNumThreads(ctx.threads);
  const environment = [
    `locedit: node ${process.version}, OpenBLAS threads ${native.getNumThreads()} (native.setNumThreads), ` +
      describeBlasEnvironment(process.env),
    `baselines: ${pythonExecutable()}, same environment plus OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=` +
      `MKL_NUM_THREADS=${ctx.threads}, torch.set_num_threads(${ctx.threads})`,
  ];
  for (const line of environment) ctx.log(line);
  const start = now();
  const rows: Row[] = [];
  for (const group of GROUPS) {
    ctx.log(`${group.title}`);
    rows.push(...group.run(ctx));
  }
  ctx.log(`done in ${(now() - start).toFixed(0)} s${ctx.quick ? " (--quick)" : ""}`);
  if (rows.length === 0) {
    ctx.log(`no benchmark name contains ${ctx.only.map((text) => `'${text}'`).join(" or ")}`);
    if (ctx.json) process.stdout.write("[]\n");
    process.exit(1);
  }
  const header = [...environment, ...ctx.environments].join("\n");
  if (ctx.json) {
    // stdout carries only the JSON; the table, with its notes (why a baseline is missing), goes to stderr
    ctx.log(`${header}\n${formatTable(rows)}`);
    process.stdout.write(`${formatJson(rows)}\n`);
    return;
  }
  console.log(header);
  console.log("ratio > 1: locedit better (throughput ours/baseline; time and memory baseline/ours)\n");
  console.log(formatTable(rows));
}

main();
