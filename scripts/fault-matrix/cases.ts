// The fault matrix's rows (issue 14). Each row injects one kind of fault into a real `locedit`
// run on the bundled tiny-facts model and checks what is left on disk:
//  - SIGKILL at a random point of `stats` / `edit`, then the same command again: nothing
//    half-written or stale survives the kill, and the run after it ends bit-identical to an
//    uninterrupted run, with no temporary file, staging folder or partial file left;
//  - disk full (a small tmpfs filled while the command runs), then room again and a resume;
//  - a read-only target, refused before anything is computed;
//  - two writers at once onto one --out folder or one statistics folder.
//  - SIGKILL at a random point of `experiment`, then the same command with --resume: its figures
//    (metrics.json, batches.jsonl) equal an uninterrupted run's, timings aside.
// To cover another command, add a KillSpec like STATS_KILL below.
import {
  closeSync,
  cpSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  rmSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import type { Rng } from "../../src/util/random.js";
import { checkExperimentDir, checkModelDir, checkStatsDir, fileHashes, leftovers } from "./checks.js";
import { locedit, type RunResult } from "./process.js";
import { mountTmpfs, unmount } from "./tmpfs.js";

export interface CaseResult {
  matrix: string;
  name: string;
  ok: boolean;
  problems: string[];
}

export interface Workspace {
  root: string;
  statsArgs: (out: string) => string[];
  editArgs: (out: string, stats: string, withCorpus: boolean) => string[];
  refStats: Record<string, string>;
  refEditStats: string;
  refEditStatsHashes: Record<string, string>;
  refModel: Record<string, string>;
  statsMs: number;
  editMs: number;
  experimentArgs: (out: string, stats: string) => string[];
  /** the uninterrupted experiment's run folder */
  refExperiment: string;
  experimentMs: number;
}

const oneLine = (r: RunResult) =>
  r.stderr
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("locedit ")).length === 1;

/** How many times a round draws a new kill time when the run finished before the kill. */
const KILL_TRIES = 3;

/** A command killed at a random point and run again. */
export interface KillSpec {
  matrix: string;
  /** typical duration of an uninterrupted run (the kill lands uniformly in 5–100 % of it) */
  durationMs: (ws: Workspace) => number;
  /** instead: kill a random 0–`windowMs` ms after stderr first matches `pattern` (`label` says where) */
  killOn?: { pattern: RegExp; label: string; windowMs: number };
  /** the command's arguments for a round's folder */
  args: (ws: Workspace, dir: string) => string[];
  /** the second run's arguments, when not the same (e.g. with --resume) */
  rerunArgs?: (ws: Workspace, dir: string) => string[];
  /** whether the output is complete after the kill (default: the edited model folder exists) */
  done?: (dir: string) => boolean;
  /** problems on disk right after the kill */
  afterKill: (ws: Workspace, dir: string) => string[];
  /** problems after the second run (which must finish, or refuse an output that is already complete) */
  afterRerun: (ws: Workspace, dir: string, rerun: RunResult, killed: KilledState) => string[];
}

export interface KilledState {
  /** the kill left temporary files or staging folders */
  leftovers: string[];
  /** the output already existed after the kill (the kill came after the final rename) */
  outputDone: boolean;
}

export const STATS_KILL: KillSpec = {
  matrix: "SIGKILL stats",
  durationMs: (ws) => ws.statsMs,
  args: (ws, dir) => ws.statsArgs(join(dir, "stats")),
  afterKill: (ws, dir) => checkStatsDir(join(dir, "stats"), ws.refStats, false),
  afterRerun: (ws, dir, rerun) => [
    ...(rerun.code === 0 ? [] : [`resume exited ${rerun.code}: ${rerun.stderr.trim()}`]),
    ...checkStatsDir(join(dir, "stats"), ws.refStats, true),
    ...leftovers(join(dir, "stats")).map((p) => `${p}: left after the resume`),
  ],
};

export const EDIT_KILL: KillSpec = {
  matrix: "SIGKILL edit",
  durationMs: (ws) => ws.editMs,
  args: (ws, dir) => ws.editArgs(join(dir, "edited"), join(dir, "stats"), true),
  afterKill: (ws, dir) => [
    ...checkModelDir(join(dir, "edited"), ws.refModel),
    ...checkStatsDir(join(dir, "stats"), ws.refEditStatsHashes, false),
  ],
  afterRerun: (ws, dir, rerun, killed) => {
    const problems: string[] = [];
    if (killed.outputDone) {
      if (rerun.code === 0 || !/already exists/.test(rerun.stderr))
        problems.push(`a rerun onto the finished folder exited ${rerun.code} without refusing it`);
    } else if (rerun.code !== 0) problems.push(`rerun exited ${rerun.code}: ${rerun.stderr.trim()}`);
    const staging = killed.leftovers.filter((p) => /edited\.tmp-/.test(p));
    if (staging.length > 0 && !/note: removed .*edited\.tmp-/.test(rerun.stderr))
      problems.push(`the rerun did not say it removed ${staging.join(", ")}`);
    problems.push(
      ...checkModelDir(join(dir, "edited"), ws.refModel),
      ...(existsSync(join(dir, "edited")) ? [] : [`${join(dir, "edited")}: missing after the rerun`]),
      ...leftovers(dir).map((p) => `${p}: left after the rerun`),
    );
    return problems;
  },
};

/** SIGKILL at a random point of `experiment`; the rerun adds --resume once the run folder has its config. */
export const EXPERIMENT_KILL: KillSpec = {
  matrix: "SIGKILL experiment",
  durationMs: (ws) => ws.experimentMs,
  args: (ws, dir) => ws.experimentArgs(join(dir, "run"), join(dir, "stats")),
  rerunArgs: (ws, dir) => [
    ...ws.experimentArgs(join(dir, "run"), join(dir, "stats")),
    ...(existsSync(join(dir, "run", "config.json")) ? ["--resume"] : []),
  ],
  done: (dir) => existsSync(join(dir, "run", "metrics.json")),
  afterKill: (ws, dir) => [
    ...checkExperimentDir(join(dir, "run"), ws.refExperiment, false),
    ...checkStatsDir(join(dir, "stats"), ws.refEditStatsHashes, false),
  ],
  afterRerun: (ws, dir, rerun) => [
    ...(rerun.code === 0 ? [] : [`rerun exited ${rerun.code}: ${rerun.stderr.trim()}`]),
    ...checkExperimentDir(join(dir, "run"), ws.refExperiment, true),
    ...leftovers(dir).map((p) => `${p}: left after the rerun`),
  ],
};

/** What a kill left: "2 partial files, 1 temporary file, 1 staging folder". */
function describeLeft(dir: string): string {
  const all = Object.keys(fileHashes(dir));
  const counts: [number, string][] = [
    [all.filter((f) => f.endsWith(".partial.safetensors")).length, "partial file"],
    [
      all.filter((f) => /layer-.*\.safetensors$/.test(f) && !f.includes(".partial.")).length,
      "final statistics file",
    ],
    [leftovers(dir).filter((p) => !/edited\.tmp-/.test(p)).length, "temporary file"],
    [leftovers(dir).filter((p) => /edited\.tmp-/.test(p)).length, "staging folder"],
    [existsSync(join(dir, "edited")) ? 1 : 0, "complete model folder"],
  ];
  const left = counts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}${n === 1 ? "" : "s"}`);
  return left.length > 0 ? left.join(", ") : "nothing";
}

export async function sigkillRounds(
  ws: Workspace,
  spec: KillSpec,
  rounds: number,
  rng: Rng,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  // Runs on a loaded machine vary in speed: a run that finished before its kill shortens the
  // window to its own duration, and the round is tried again (at most KILL_TRIES times).
  let durationMs = spec.durationMs(ws);
  for (let round = 0; round < rounds; round++) {
    const dir = join(ws.root, `${spec.matrix.replace(/\W+/g, "-")}-${round}`);
    let at = 0;
    let killed: RunResult | null = null;
    for (let attempt = 0; attempt < KILL_TRIES && killed?.signal !== "SIGKILL"; attempt++) {
      rmSync(dir, { recursive: true, force: true });
      at = Math.round(
        spec.killOn ? spec.killOn.windowMs * rng.next() : durationMs * (0.05 + 0.95 * rng.next()),
      );
      killed = await locedit(
        spec.args(ws, dir),
        spec.killOn
          ? { onStderr: { pattern: spec.killOn.pattern, action: (kill) => setTimeout(kill, at) } }
          : { killAfterMs: at },
      );
      if (killed.signal !== "SIGKILL") durationMs = Math.min(durationMs, killed.ms);
    }
    const left = describeLeft(dir);
    const problems = spec.afterKill(ws, dir);
    const state: KilledState = {
      leftovers: leftovers(dir),
      outputDone: killed!.signal === null || (spec.done ?? ((d) => existsSync(join(d, "edited"))))(dir),
    };
    const rerun = await locedit((spec.rerunArgs ?? spec.args)(ws, dir));
    problems.push(...spec.afterRerun(ws, dir, rerun, state));
    const when = spec.killOn ? `${at} ms after ${spec.killOn.label}` : `at ${at} ms`;
    const how =
      killed!.signal === "SIGKILL"
        ? `killed ${when}, left ${left}`
        : `finished before the kill ${when} (${KILL_TRIES} tries)`;
    results.push({
      matrix: spec.matrix,
      name: `round ${round + 1}: ${how}`,
      ok: problems.length === 0,
      problems,
    });
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

/** SIGKILL while `edit` saves: after its last batch's table, within the time the save takes. */
export const EDIT_SAVE_KILL: KillSpec = {
  ...EDIT_KILL,
  matrix: "SIGKILL edit (save)",
  killOn: { pattern: /took\n(?:.*\n){4}/, label: "the per-fact table", windowMs: 150 },
};

/** Fills the filesystem at `mount` until a write fails, then frees `leave` bytes of it. */
function fill(mount: string, leave: number): string {
  const filler = join(mount, "filler.bin");
  const fd = openSync(filler, "w");
  try {
    for (const chunk of [1 << 20, 4096])
      for (;;)
        try {
          writeSync(fd, new Uint8Array(chunk));
        } catch {
          break; // ENOSPC: this chunk size no longer fits
        }
    ftruncateSync(fd, Math.max(0, fstatSync(fd).size - leave));
  } finally {
    closeSync(fd);
  }
  return filler;
}

export async function diskFull(ws: Workspace): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const mount = join(ws.root, "full");
  // statistics: the disk fills after the first progress line; the next checkpoint write fails
  if (!mountTmpfs(mount, "size=10m"))
    return [{ matrix: "disk full", name: "mount tmpfs", ok: false, problems: ["mount failed"] }];
  try {
    const out = join(mount, "stats");
    let filler = "";
    const r = await locedit([...ws.statsArgs(out), "--checkpoint-batches", "1"], {
      onStderr: { pattern: /^stats: statistics/m, action: () => (filler = fill(mount, 4096)) },
    });
    const problems: string[] = [];
    if (r.code !== 1) problems.push(`exited ${r.code} on a full disk`);
    if (!oneLine(r) || !/no space left on the device \(ENOSPC\)/.test(r.stderr) || !r.stderr.includes(mount))
      problems.push(`not one line naming the path and ENOSPC: ${r.stderr.trim()}`);
    problems.push(...checkStatsDir(out, ws.refStats, false));
    rmSync(filler, { force: true });
    const resumed = await locedit(ws.statsArgs(out));
    if (resumed.code !== 0) problems.push(`resume exited ${resumed.code}: ${resumed.stderr.trim()}`);
    problems.push(...checkStatsDir(out, ws.refStats, true), ...leftovers(out).map((p) => `${p}: left`));
    results.push({
      matrix: "disk full",
      name: "stats: ENOSPC mid-run, then resume",
      ok: problems.length === 0,
      problems,
    });
  } finally {
    unmount(mount);
  }
  // edit: the disk fills once compute_z runs, after the --out check passed; the save fails
  if (!mountTmpfs(mount, "size=8m")) return results;
  try {
    const out = join(mount, "edited");
    let filler = "";
    const r = await locedit(ws.editArgs(out, ws.refEditStats, false), {
      onStderr: { pattern: /^edit: compute_z/m, action: () => (filler = fill(mount, 64 * 1024)) },
    });
    const problems: string[] = [];
    if (r.code !== 1) problems.push(`exited ${r.code} on a full disk`);
    if (!oneLine(r) || !/no space left on the device \(ENOSPC\)/.test(r.stderr) || !r.stderr.includes(mount))
      problems.push(`not one line naming the path and ENOSPC: ${r.stderr.trim()}`);
    if (existsSync(out)) problems.push(`${out} exists after a failed save`);
    problems.push(...leftovers(mount).map((p) => `${p}: left after the failed save`));
    rmSync(filler, { force: true });
    const again = await locedit(ws.editArgs(out, ws.refEditStats, false));
    if (again.code !== 0) problems.push(`rerun exited ${again.code}: ${again.stderr.trim()}`);
    problems.push(...checkModelDir(out, ws.refModel));
    results.push({
      matrix: "disk full",
      name: "edit: ENOSPC while saving, then rerun",
      ok: problems.length === 0,
      problems,
    });
  } finally {
    unmount(mount);
  }
  return results;
}

export async function readOnlyTarget(ws: Workspace): Promise<CaseResult[]> {
  const mount = join(ws.root, "ro");
  if (!mountTmpfs(mount, "size=1m,ro"))
    return [{ matrix: "read-only target", name: "mount", ok: false, problems: ["mount failed"] }];
  try {
    const results: CaseResult[] = [];
    for (const [name, args, computed] of [
      [
        "edit --out on a read-only filesystem",
        ws.editArgs(join(mount, "edited"), join(ws.root, "ro-stats"), true),
        join(ws.root, "ro-stats"),
      ],
      ["stats --out on a read-only filesystem", ws.statsArgs(join(mount, "stats")), join(mount, "stats")],
    ] as const) {
      const r = await locedit(args);
      const problems: string[] = [];
      if (r.code !== 1) problems.push(`exited ${r.code}`);
      if (!oneLine(r) || !/read-only \(EROFS\)/.test(r.stderr))
        problems.push(`not one EROFS line: ${r.stderr.trim()}`);
      if (existsSync(computed)) problems.push("statistics were computed before the check");
      results.push({
        matrix: "read-only target",
        name: `${name} (${Math.round(r.ms)} ms)`,
        ok: problems.length === 0,
        problems,
      });
    }
    return results;
  } finally {
    unmount(mount);
  }
}

export async function concurrentWriters(ws: Workspace, rounds: number): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (let round = 0; round < rounds; round++) {
    const dir = join(ws.root, `concurrent-${round}`);
    const stats = join(dir, "stats");
    cpSync(ws.refEditStats, stats, { recursive: true });
    const out = join(dir, "edited");
    const both = await Promise.all([0, 1].map(() => locedit(ws.editArgs(out, stats, false))));
    const problems: string[] = [];
    const codes = both.map((r) => r.code).sort();
    if (codes.join() !== "0,1")
      problems.push(`exit codes ${codes.join(", ")}, expected one success and one failure`);
    const loser = both.find((r) => r.code !== 0);
    if (loser && !/already exists/.test(loser.stderr))
      problems.push(`the loser said: ${loser.stderr.trim()}`);
    problems.push(...checkModelDir(out, ws.refModel), ...leftovers(dir).map((p) => `${p}: left`));
    results.push({
      matrix: "concurrent writers",
      name: `round ${round + 1}: two edit --out to one folder`,
      ok: problems.length === 0,
      problems,
    });

    const shared = join(dir, "shared-stats");
    const pair = await Promise.all(
      [0, 1].map(() => locedit([...ws.statsArgs(shared), "--checkpoint-batches", "1"])),
    );
    const statsProblems = pair.flatMap((r, i) =>
      r.code === 0 ? [] : [`stats ${i} exited ${r.code}: ${r.stderr.trim()}`],
    );
    statsProblems.push(
      ...checkStatsDir(shared, ws.refStats, true),
      ...leftovers(shared).map((p) => `${p}: left`),
    );
    results.push({
      matrix: "concurrent writers",
      name: `round ${round + 1}: two stats into one cache`,
      ok: statsProblems.length === 0,
      problems: statsProblems,
    });
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}

export { fileHashes };
