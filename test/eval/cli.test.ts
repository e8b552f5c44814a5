// `locedit eval` end to end on models/tiny-facts: the JSON summary agrees with the library on the
// first records, the table names each metric, and usage or record errors exit 2 or 1 naming the
// problem.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { evaluateCounterfact } from "../../src/eval/counterfact/evaluate.js";
import { readCounterfactFile } from "../../src/data/counterfact/parse.js";
import { loadModel } from "../../src/models/load.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { repoRoot } from "../models/golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const MODEL = join(repoRoot, "models", "tiny-facts");
const RECORDS = join(MODEL, "eval", "counterfact.json");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("locedit eval", () => {
  it("--json --limit gives the library's summary of the first records", async () => {
    const r = run("eval", "--model", MODEL, "--records", RECORDS, "--limit", "12", "--json");
    assert.equal(r.code, 0, r.stderr);
    const { seconds, ...summary } = JSON.parse(r.stdout);
    assert.ok(seconds > 0);
    const records = readCounterfactFile(RECORDS).slice(0, 12);
    const lib = evaluateCounterfact(loadModel(MODEL), await loadTokenizer(MODEL), records).summary;
    assert.equal(summary.n, 12);
    for (const [key, value] of Object.entries(lib))
      assert.ok(
        value === null ? summary[key] === null : Math.abs(summary[key] - value) < 1e-9,
        `${key}: ${summary[key]} vs ${value}`,
      );
    assert.equal(r.stderr, "", "no progress bar off a TTY");
  });

  it("prints a table of the metrics", () => {
    const r = run("eval", "--model", MODEL, "--records", RECORDS, "--limit", "3", "--batch-rows", "8");
    assert.equal(r.code, 0, r.stderr);
    for (const label of [
      "efficacy (ES)",
      "generalisation (PS)",
      "specificity (NS)",
      "score (hmean)",
      "records (n)",
    ])
      assert.ok(r.stdout.includes(label), `${label} in\n${r.stdout}`);
    assert.match(r.stdout, /records \(n\)\s+3\n/);
    assert.ok(!r.stdout.includes("fluency"), "fluency only with --fluency");
  });

  it("usage errors exit 2; bad records exit 1 naming the record and field", () => {
    const missing = run("eval", "--model", MODEL);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--records is required/);
    const limit = run("eval", "--model", MODEL, "--records", RECORDS, "--limit", "0");
    assert.equal(limit.code, 2);
    assert.match(limit.stderr, /--limit must be an integer ≥ 1/);
    const dir = mkdtempSync(join(tmpdir(), "locedit-eval-"));
    try {
      const file = join(dir, "bad.json");
      const records = readCounterfactFile(RECORDS).slice(0, 2) as unknown as Record<string, unknown>[];
      delete records[1].paraphrase_prompts;
      writeFileSync(file, JSON.stringify(records));
      const bad = run("eval", "--model", MODEL, "--records", file);
      assert.equal(bad.code, 1);
      assert.match(
        bad.stderr,
        /bad\.json: record 1 \(case_id 1\): field "paraphrase_prompts" must be an array/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
