// `locedit stats --shard I/N`, `stats merge` of the shards and `--until-stable` end to end on the
// bundled tiny fact model: the merged file is the unsharded run's (same name, token count, sums to
// 1e-12), the JSON reports the shard and the samples reached, and bad flags get one clear line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readStatsFile } from "../../src/stats/stats-file.js";
import { repoRoot } from "../models/golden-helpers.js";
import { corpusText, FACTS_DIR, relativeError, tempDir, writeCorpus } from "./helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const temp = tempDir("cli-shard");
after(() => temp.remove());

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, "stats", ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("locedit stats --shard / merge / --until-stable", () => {
  const corpus = writeCorpus(temp.dir, "c.txt", corpusText(40, 9));
  const common = [
    "--model",
    FACTS_DIR,
    "--layers",
    "1",
    "--max-len",
    "32",
    "--corpus",
    corpus,
    "--samples",
    "36",
  ];
  const window = ["--window-samples", "4", "--dtype", "float64"];

  it("three shards merge into the unsharded statistics file", () => {
    const whole = JSON.parse(run(...common, ...window, "--out", join(temp.dir, "whole"), "--json").stdout);
    const dirs = [0, 1, 2].map((i) => {
      const out = join(temp.dir, `shard-${i}`);
      const r = run(...common, ...window, "--shard", `${i}/3`, "--out", out, "--json");
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.equal(report.shard, `${i}/3`);
      assert.equal(report.first, i * 12);
      assert.equal(report.samples, 12);
      return out;
    });
    const r = run("merge", "--out", join(temp.dir, "merged"), ...dirs, "--json");
    assert.equal(r.code, 0, r.stderr);
    const merged = JSON.parse(r.stdout).layers[0];
    const reference = whole.layers[0];
    assert.equal(merged.count, reference.count);
    assert.equal(merged.path.split("/").at(-1), reference.path.split("/").at(-1));
    assert.ok(relativeError(readStatsFile(merged.path).sum, readStatsFile(reference.path).sum) <= 1e-12);
    const overlap = run("merge", "--out", join(temp.dir, "x"), dirs[0], join(temp.dir, "merged"));
    assert.equal(overlap.code, 1);
    assert.match(overlap.stderr, /overlap; merging would count those samples twice/);
  });

  it("--until-stable reports the samples reached", () => {
    const r = run(...common, ...window, "--until-stable", "0.5", "--out", join(temp.dir, "stable"), "--json");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.until_stable.samples_reached, report.samples);
    assert.equal(report.until_stable.stable, report.samples < 36);
    assert.ok(report.until_stable.checks.length >= 1);
    const text = run(...common, ...window, "--until-stable", "1e-12", "--out", join(temp.dir, "strict"));
    assert.match(text.stdout, /not stable to 1e-12 within 36 samples/);
  });

  it("refuses bad shard and stability flags with one line", () => {
    for (const [args, message] of [
      [["--shard", "3/3"], /--shard must be I\/N with 0 ≤ I < N/],
      [["--shard", "x"], /--shard must be I\/N/],
      [["--shard", "0/20"], /20 shards need at least 20 windows of 4 samples, but 36 samples make 9/],
      [["--until-stable", "0"], /--until-stable must be a relative change in \(0, 1\)/],
      [["--stable-lambda", "5"], /--stable-lambda needs --until-stable/],
      [["--until-stable", "0.1", "--shard", "0/2"], /--until-stable does not combine with --shard/],
    ] as const) {
      const r = run(...common, ...window, ...args, "--out", join(temp.dir, "bad"));
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, message);
    }
  });
});
