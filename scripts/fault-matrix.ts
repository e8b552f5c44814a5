// Fault matrix for locedit's reliability (issue 14): SIGKILL at random points of `stats`,
// `edit` and `experiment`, a disk that fills up mid-run, a read-only target and concurrent writers, each on the
// bundled tiny-facts model, checking that nothing half-written or stale survives and that every
// resume or rerun ends bit-identical to an uninterrupted run (scripts/fault-matrix/cases.ts).
//   node dist/scripts/fault-matrix.js [--rounds N] [--seed S] [--json]
// Exit status 1 when any case fails. The tmpfs rows need root; without it they are skipped.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createRng } from "../src/util/random.js";
import { packageRoot } from "../src/util/package-root.js";
import {
  concurrentWriters,
  diskFull,
  EDIT_KILL,
  EDIT_SAVE_KILL,
  EXPERIMENT_KILL,
  fileHashes,
  readOnlyTarget,
  sigkillRounds,
  STATS_KILL,
  type CaseResult,
  type Workspace,
} from "./fault-matrix/cases.js";
import { locedit } from "./fault-matrix/process.js";
import { canMount } from "./fault-matrix/tmpfs.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string" },
    seed: { type: "string" },
    json: { type: "boolean" },
    keep: { type: "boolean" },
  },
});
const rounds = Number(values.rounds ?? 5);
const rng = createRng(Number(values.seed ?? 1));
const log = (line: string) => process.stderr.write(`${line}\n`);

const MODEL = join(packageRoot(), "models", "tiny-facts");
const CORPUS = join(MODEL, "eval", "corpus.txt");
const root = mkdtempSync(join(tmpdir(), "locedit-faults-"));
const requests = join(root, "requests.json");
const hparams = join(root, "memit.json");
writeFileSync(
  requests,
  JSON.stringify(JSON.parse(readFileSync(join(MODEL, "eval", "counterfact.json"), "utf8")).slice(0, 4)),
);
writeFileSync(
  hparams,
  JSON.stringify({
    layers: [0, 1],
    v_loss_layer: 3,
    v_num_grad_steps: 8,
    clamp_norm_factor: 3,
    mom2_update_weight: 40,
  }),
);

const statsArgs = (out: string) => [
  "stats",
  "--model",
  MODEL,
  "--layers",
  "0,1",
  "--corpus",
  CORPUS,
  "--samples",
  "600",
  "--max-len",
  "48",
  "--batch-tokens",
  "512",
  "--out",
  out,
];
const editArgs = (out: string, stats: string, withCorpus: boolean) => [
  ...[
    "edit",
    "--model",
    MODEL,
    "--method",
    "memit",
    "--hparams",
    hparams,
    "--requests",
    requests,
    "--stats",
    stats,
  ],
  ...(withCorpus ? ["--corpus", CORPUS, "--samples", "400"] : []),
  ...["--out", out],
];

const experimentArgs = (out: string, stats: string) => [
  ...["experiment", "--model", MODEL, "--method", "memit", "--hparams", hparams],
  ...["--records", join(MODEL, "eval", "counterfact.json"), "--edits", "4", "--batch-size", "2"],
  ...["--skip-generation", "--stats", stats, "--corpus", CORPUS, "--samples", "400", "--out", out],
];

async function reference(): Promise<Workspace> {
  log("reference runs (uninterrupted) …");
  const statsRun = await locedit([...statsArgs(join(root, "ref-stats")), "--checkpoint-batches", "1"]);
  const editRun = await locedit(editArgs(join(root, "ref-edited"), join(root, "ref-edit-stats"), true));
  const experimentRun = await locedit(experimentArgs(join(root, "ref-run"), join(root, "ref-run-stats")));
  for (const [name, r] of [
    ["stats", statsRun],
    ["edit", editRun],
    ["experiment", experimentRun],
  ] as const)
    if (r.code !== 0) throw new Error(`the reference ${name} run failed: ${r.stderr}`);
  return {
    root,
    statsArgs: (out) => [...statsArgs(out), "--checkpoint-batches", "1"],
    editArgs,
    refStats: fileHashes(join(root, "ref-stats")),
    refEditStats: join(root, "ref-edit-stats"),
    refEditStatsHashes: fileHashes(join(root, "ref-edit-stats")),
    refModel: fileHashes(join(root, "ref-edited")),
    statsMs: statsRun.ms,
    editMs: editRun.ms,
    experimentArgs,
    refExperiment: join(root, "ref-run"),
    experimentMs: experimentRun.ms,
  };
}

// Take the mounts down and the folder away even when a row throws.
process.on("exit", () => {
  for (const mount of ["full", "ro", "probe"]) spawnSync("umount", [join(root, mount)], { stdio: "ignore" });
  if (!values.keep) rmSync(root, { recursive: true, force: true });
});

const started = performance.now();
const results: CaseResult[] = [];
try {
  const ws = await reference();
  log(
    `stats ${Math.round(ws.statsMs)} ms, edit ${Math.round(ws.editMs)} ms, ` +
      `experiment ${Math.round(ws.experimentMs)} ms uninterrupted`,
  );
  const mounts = canMount(join(root, "probe"));
  const rows: [string, () => Promise<CaseResult[]>][] = [
    ["SIGKILL stats", () => sigkillRounds(ws, STATS_KILL, rounds, rng)],
    ["SIGKILL edit", () => sigkillRounds(ws, EDIT_KILL, rounds, rng)],
    ["SIGKILL edit (save)", () => sigkillRounds(ws, EDIT_SAVE_KILL, rounds, rng)],
    ["SIGKILL experiment", () => sigkillRounds(ws, EXPERIMENT_KILL, rounds, rng)],
    ["disk full", () => (mounts ? diskFull(ws) : Promise.resolve([]))],
    ["read-only target", () => (mounts ? readOnlyTarget(ws) : Promise.resolve([]))],
    ["concurrent writers", () => concurrentWriters(ws, Math.max(1, Math.ceil(rounds / 2)))],
  ];
  if (!mounts) log("disk full and read-only rows skipped: tmpfs mounts need root");
  for (const [name, row] of rows) {
    log(`${name} …`);
    for (const result of await row()) {
      results.push(result);
      log(
        `  ${result.ok ? "ok  " : "FAIL"} ${result.name}${result.ok ? "" : `\n       ${result.problems.join("\n       ")}`}`,
      );
    }
  }
} catch (error) {
  results.push({
    matrix: "harness",
    name: "the matrix itself",
    ok: false,
    problems: [(error as Error).stack ?? String(error)],
  });
  log(`FAIL the matrix itself: ${(error as Error).message}`);
}

const matrices = [...new Set(results.map((r) => r.matrix))];
const totals = matrices.map((matrix) => {
  const rows = results.filter((r) => r.matrix === matrix);
  return { matrix, cases: rows.length, passed: rows.filter((r) => r.ok).length };
});
const passed = results.filter((r) => r.ok).length;
const seconds = (performance.now() - started) / 1000;
if (values.json) console.log(JSON.stringify({ totals, cases: results.length, passed, seconds }));
else {
  for (const t of totals) console.log(`${t.matrix.padEnd(20)} ${t.passed}/${t.cases} passed`);
  console.log(`${"total".padEnd(20)} ${passed}/${results.length} passed in ${seconds.toFixed(0)} s`);
}
process.exitCode = passed === results.length ? 0 : 1;
