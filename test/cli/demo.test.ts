// End to end `locedit demo` on the bundled tiny-facts model, with fast settings (3 records, 10
// compute_z steps, 300 statistics samples) and a fresh statistics folder: the JSON summary scores
// the unedited model and both methods, each edit raises efficacy above the unedited model's, the
// statistics are computed once and reused by the next run, and bad flags are usage errors.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { resolveHparams } from "../../src/editing/hparams/resolve.js";
import type { EditMethod } from "../../src/editing/hparams/types.js";
import { readModelConfig } from "../../src/models/hf-config.js";
import { repoRoot } from "../models/golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const MODEL = join(repoRoot, "models", "tiny-facts");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, "demo", ...args], { encoding: "utf8", cwd: repoRoot });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface Scores {
  efficacy: number;
  generalization: number;
  specificity: number;
  score: number;
  seconds: number;
}

describe("locedit demo", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-demo-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const stats = join(work, "stats");
  const fast = ["--model", MODEL, "--count", "3", "--steps", "10", "--samples", "300", "--stats", stats];

  it("--json: scores the unedited model, MEMIT and MEMIT+BLUE; both edits raise efficacy", () => {
    const r = run(...fast, "--json");
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as {
      records: number;
      case_ids: number[];
      statistics: { cached: boolean; layers: number[]; samples: number };
      baseline: Scores;
      methods: Record<string, Scores & { v_num_grad_steps: number; hparams: string }>;
    };
    assert.equal(summary.records, 3);
    assert.deepEqual(summary.case_ids, [0, 1, 2]);
    assert.equal(summary.statistics.cached, false);
    assert.equal(summary.statistics.samples, 300);
    assert.deepEqual(Object.keys(summary.methods), ["memit", "memit+blue"]);
    for (const scores of [summary.baseline, ...Object.values(summary.methods)])
      for (const key of ["efficacy", "generalization", "specificity", "score", "seconds"] as const)
        assert.ok(Number.isFinite(scores[key]), `${key} is ${scores[key]}`);
    for (const [name, scores] of Object.entries(summary.methods)) {
      assert.ok(
        scores.efficacy > summary.baseline.efficacy,
        `${name}: efficacy ${scores.efficacy} ≤ unedited ${summary.baseline.efficacy}`,
      );
      assert.equal(scores.v_num_grad_steps, 10);
      assert.match(scores.hparams, /hparams[/\\]memit(-blue)?\.json$/);
    }
  });

  it("text: a second run reuses the cached statistics and prints the table", () => {
    const r = run(...fast);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reused from the cache/);
    assert.match(r.stdout, /What the model knows/);
    for (const label of ["unedited", "MEMIT", "MEMIT\\+BLUE"])
      assert.match(r.stdout, new RegExp(`^  ${label} +[\\d.]+ +[\\d.]+ +[\\d.]+ +[\\d.]+`, "m"));
    assert.match(r.stdout, /Timings: load .* total [\d.]+ s/);
  });

  it("bad flags are usage errors (exit 2); a missing model is an error (exit 1)", () => {
    const zero = run("--count", "0");
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /--count must be an integer ≥ 1/);
    const unknown = run("--colour");
    assert.equal(unknown.code, 2);
    const missing = run("--model", join(work, "no-model"), "--stats", stats);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no-model/);
  });

  it("the model's own hyperparameter files are found first, validate and fit the model", () => {
    const config = readModelConfig(MODEL);
    const files = readdirSync(join(MODEL, "hparams")).filter((f) => f.endsWith(".json"));
    assert.ok(files.length >= 2, `${files.join(", ")}`);
    for (const file of files) {
      const blue = file.endsWith("-blue.json");
      const method = file.replace(/(-blue)?\.json$/, "") as EditMethod;
      const resolved = resolveHparams({ method, modelDir: MODEL, config, blue });
      assert.equal(resolved.source, join(MODEL, "hparams", file));
      assert.equal(resolved.hparams.blue, blue, file);
      assert.equal(resolved.warnings, undefined, `${file}: ${resolved.warnings?.join("; ")}`);
    }
  });
});
