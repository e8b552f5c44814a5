// End to end: `locedit stats` and `locedit stats merge` on the bundled tiny Llama — JSON summary,
// agreement with the library, cache reuse, and clear errors for bad input.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { readStatsFile } from "../../src/stats/stats-file.js";
import { meanSquaredNorm } from "../../src/stats/second-moment.js";
import { repoRoot } from "../models/golden-helpers.js";
import { corpusText, LLAMA_DIR, tempDir, writeCorpus } from "./helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const temp = tempDir("cli");
after(() => temp.remove());

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, "stats", ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("locedit stats", () => {
  const a = writeCorpus(temp.dir, "a.txt", corpusText(30, 3));
  const b = writeCorpus(temp.dir, "b.txt", corpusText(20, 4));
  const out = join(temp.dir, "out");
  const common = ["--model", LLAMA_DIR, "--layers", "0,1", "--max-len", "32", "--out", out];

  it("computes, caches and reports each layer as JSON; a second run is served from the cache", () => {
    const r = run(...common, "--corpus", a, "--corpus", b, "--samples", "45", "--json");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual([report.samples, report.max_len, report.dtype], [45, 32, "float32"]);
    assert.equal(report.layers.length, 2);
    assert.ok(report.tokens > 0 && report.tokens_per_second > 0);
    for (const layer of report.layers) {
      const stats = readStatsFile(layer.path);
      assert.equal(stats.count, layer.count);
      assert.equal(layer.count, report.tokens);
      assert.ok(Math.abs(meanSquaredNorm(stats) - layer.trace_c0) < 1e-9 * layer.trace_c0);
      assert.equal(layer.cached, false);
    }
    const again = JSON.parse(
      run(...common, "--corpus", a, "--corpus", b, "--samples", "45", "--json").stdout,
    );
    assert.deepEqual(
      again.layers.map((l: { cached: boolean }) => l.cached),
      [true, true],
    );
    assert.equal(again.tokens, 0);
    const text = run(...common, "--corpus", a, "--corpus", b, "--samples", "45");
    assert.match(
      text.stdout,
      /^layer 0: \d+ tokens, trace C0 = mean ‖k‖² = [\d.]+ \(cached\) {2}\S+layer-0\./m,
    );
  });

  it("merges shards computed per file", () => {
    const shard = (file: string, samples: string, dir: string) => {
      const r = run(
        ...common.slice(0, -1),
        dir,
        "--corpus",
        file,
        "--samples",
        samples,
        "--dtype",
        "float64",
      );
      assert.equal(r.code, 0, r.stderr);
    };
    shard(a, "30", join(temp.dir, "sa"));
    shard(b, "20", join(temp.dir, "sb"));
    const r = run(
      "merge",
      "--out",
      join(temp.dir, "merged"),
      join(temp.dir, "sa"),
      join(temp.dir, "sb"),
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.match(report.corpus, /^merged:/);
    assert.deepEqual(
      report.layers.map((l: { layer: number; samples: number }) => [l.layer, l.samples]),
      [
        [0, 50],
        [1, 50],
      ],
    );
    for (const layer of report.layers) assert.ok(existsSync(layer.path));
    const one = run("merge", "--out", join(temp.dir, "merged"), join(temp.dir, "sa"));
    assert.equal(one.code, 2);
    assert.match(one.stderr, /merge needs at least two shards/);
  });

  it("bad input gives one clear line and a non-zero exit", () => {
    const cases: [string[], number, RegExp][] = [
      [["--model", LLAMA_DIR, "--corpus", a, "--samples", "5", "--out", out], 2, /--layers is required/],
      [["--model", LLAMA_DIR, "--layers", "0", "--samples", "5", "--out", out], 2, /--corpus is required/],
      [["--model", LLAMA_DIR, "--layers", "0", "--corpus", a, "--out", out], 2, /--samples is required/],
      [
        ["--model", LLAMA_DIR, "--layers", "one", "--corpus", a, "--samples", "5", "--out", out],
        2,
        /--layers must be a list like 3,4,5/,
      ],
      [
        [
          "--model",
          LLAMA_DIR,
          "--layers",
          "0",
          "--corpus",
          a,
          "--samples",
          "5",
          "--out",
          out,
          "--dtype",
          "f16",
        ],
        2,
        /--dtype must be float32 or float64/,
      ],
      [
        ["--model", LLAMA_DIR, "--layers", "0,2", "--corpus", a, "--samples", "5", "--out", out],
        1,
        /layer 2 is out of range, the model has layers 0–1/,
      ],
      [
        [
          "--model",
          LLAMA_DIR,
          "--layers",
          "0",
          "--corpus",
          join(temp.dir, "missing.txt"),
          "--samples",
          "5",
          "--out",
          out,
        ],
        1,
        /missing\.txt: corpus file does not exist/,
      ],
      [
        ["--model", LLAMA_DIR, "--layers", "0", "--corpus", a, "--samples", "500", "--out", out],
        1,
        /the corpus has 30 samples .* fewer than the 500 asked for/,
      ],
    ];
    for (const [args, code, pattern] of cases) {
      const r = run(...args);
      assert.equal(r.code, code, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
      assert.match(r.stderr, /^locedit stats: /);
    }
  });
});
