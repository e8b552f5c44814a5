// The hyperparameter search of models/facts-8l (issue 13 §1): one grid of three points per method
// over the method's own regulariser (MEMIT/PMET: λ = mom2_update_weight; AlphaEdit: the null-space
// threshold; ROME: the edited layer), every point scored by the same short sequential protocol on
// the tuning split (`eval/counterfact-tuning.json`, disjoint from the evaluation records): the first
// 30 records edited with `locedit experiment` in 3 batches of 10 on one model, then efficacy,
// generalisation and specificity (teacher-forced, %) on the 30, scored by their harmonic mean
// (`metrics.score`). The highest score wins (ties: the earlier grid point). The -blue files are the
// chosen plain file with "blue": true, as in the BLUE paper (the same hyperparameters with and
// without BLUE), so BLUE is never tuned on its own. The critical window [0, 1, 2] comes from
// `locedit trace` on 50 tuning records (see hparams/README.md); it was fixed before this search.
//
// Usage: node dist/scripts/facts-8l/search.js WORK_DIR [METHOD ...]
//   WORK_DIR  where the runs go (one folder per grid point; a finished point is not re-run)
//   METHOD    memit, pmet, alphaedit, rome (default: all four)
// Writes models/facts-8l/hparams/<method>[-blue].json and hparams/search.json (every point's
// metrics and seconds). Needs the statistics of layers 0–2 under WORK_DIR/../stats or computes them.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const MODEL = "models/facts-8l";
const TUNING = `${MODEL}/eval/counterfact-tuning.json`;
const EDITS = 30;
const BATCH = 10;

/** Shared by every method: the reference field names (see models/tiny-facts/hparams/README.md). */
const BASE = {
  model_name: "facts-8l",
  layers: [0, 1, 2],
  clamp_norm_factor: 3,
  layer_selection: "all",
  fact_token: "subject_last",
  v_num_grad_steps: 30,
  v_lr: 0.5,
  v_loss_layer: 7,
  v_weight_decay: 0.5,
  kl_factor: 0.0625,
  mom2_adjustment: true,
  mom2_dataset: "eval/corpus.txt",
  mom2_n_samples: 7917,
  mom2_dtype: "float32",
};

type Hparams = Record<string, unknown>;
interface Point {
  name: string;
  hparams: Hparams;
}

const GRID: Record<string, Point[]> = {
  memit: [100, 1000, 10000].map((w) => ({
    name: `lambda-${w}`,
    hparams: { ...BASE, mom2_update_weight: w },
  })),
  pmet: [100, 1000, 10000].map((w) => ({
    name: `lambda-${w}`,
    hparams: { ...BASE, clamp_norm_factor: 8, mom2_update_weight: w, nll_loss_factor: 1 },
  })),
  alphaedit: [0.03, 0.1, 0.3].map((t) => ({
    name: `threshold-${t}`,
    hparams: { ...BASE, nullspace_threshold: t, L2: 1 },
  })),
  rome: [0, 1, 2].map((l) => ({
    name: `layer-${l}`,
    hparams: { ...BASE, layers: [l], clamp_norm_factor: 4 },
  })),
};

function writeJson(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n");
  renameSync(tmp, file);
}

interface Result {
  method: string;
  point: string;
  hparams: Hparams;
  efficacy: number;
  generalization: number;
  specificity: number;
  score: number;
  seconds: number;
}

function runPoint(work: string, method: string, p: Point): Result {
  const dir = join(work, `${method}-${p.name}`);
  const metricsFile = join(dir, "metrics.json");
  if (!existsSync(metricsFile)) {
    mkdirSync(work, { recursive: true });
    const hpFile = join(work, `${method}-${p.name}.hparams.json`);
    writeJson(hpFile, p.hparams);
    const args = [
      "dist/src/cli/main.js",
      "experiment",
      "--model",
      MODEL,
      "--method",
      method,
      "--hparams",
      hpFile,
      "--records",
      TUNING,
      "--edits",
      String(EDITS),
      "--batch-size",
      String(BATCH),
      "--skip-generation",
      "--stats",
      resolve(work, "..", "stats"),
      "--corpus",
      `${MODEL}/eval/corpus.txt`,
      "--samples",
      String(BASE.mom2_n_samples),
      "--out",
      dir,
      ...(existsSync(join(dir, "config.json")) ? ["--resume"] : []),
    ];
    console.error(`[search] ${method} ${p.name}`);
    execFileSync(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
  }
  const m = JSON.parse(readFileSync(metricsFile, "utf8")) as {
    metrics: Record<string, number>;
    seconds: number;
  };
  return {
    method,
    point: p.name,
    hparams: p.hparams,
    efficacy: m.metrics.efficacy,
    generalization: m.metrics.generalization,
    specificity: m.metrics.specificity,
    score: m.metrics.score,
    seconds: m.seconds,
  };
}

const work = process.argv[2];
if (!work) {
  console.error("usage: node dist/scripts/facts-8l/search.js WORK_DIR [memit|pmet|alphaedit|rome ...]");
  process.exit(2);
}
const methods = process.argv.length > 3 ? process.argv.slice(3) : Object.keys(GRID);
for (const m of methods)
  if (!GRID[m]) {
    console.error(`unknown method '${m}': expected ${Object.keys(GRID).join(", ")}`);
    process.exit(2);
  }

const searchFile = `${MODEL}/hparams/search.json`;
mkdirSync(`${MODEL}/hparams`, { recursive: true });
const all: Record<string, { chosen: string; points: Result[] }> = existsSync(searchFile)
  ? JSON.parse(readFileSync(searchFile, "utf8"))
  : {};
for (const method of methods) {
  const points = GRID[method].map((p) => runPoint(work, method, p));
  const best = points.reduce((a, b) => (b.score > a.score ? b : a));
  all[method] = { chosen: best.point, points };
  writeJson(`${MODEL}/hparams/${method}.json`, best.hparams);
  if (method !== "rome") writeJson(`${MODEL}/hparams/${method}-blue.json`, { ...best.hparams, blue: true });
  writeJson(searchFile, all);
  for (const r of points)
    console.log(
      `${method} ${r.point}: ES ${r.efficacy.toFixed(1)} PS ${r.generalization.toFixed(1)} ` +
        `NS ${r.specificity.toFixed(1)} score ${r.score.toFixed(1)} (${r.seconds.toFixed(0)} s)` +
        (r.point === best.point ? "  <- chosen" : ""),
    );
}
