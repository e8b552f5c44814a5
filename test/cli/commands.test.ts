// End-to-end tests of `locedit generate | logprob | inspect`: JSON contracts, agreement with the
// library, exit codes and error messages.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { after, describe, it } from "node:test";
import { loadModel } from "../../src/models/load.js";
import { scoreContinuation } from "../../src/runtime/score.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { CLI, makeCliModel } from "./cli-fixture.js";

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("locedit CLI", () => {
  const dir = makeCliModel();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("inspect --json reports the architecture and sizes", () => {
    const r = run("inspect", "--model", dir, "--json");
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.architecture, "llama");
    assert.equal(report.layers, 2);
    assert.equal(report.kv_heads, 2);
    assert.deepEqual(report.dtypes, { F32: 21 });
    assert.equal(report.float32_bytes, report.parameters * 4);
  });

  it("generate --json prints prompt ids, new ids and their text", async () => {
    const r = run(
      "generate",
      "--model",
      dir,
      "--prompt",
      "the cat sat",
      "--greedy",
      "--max-new-tokens",
      "7",
      "--no-stop",
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const tokenizer = await loadTokenizer(dir);
    assert.deepEqual(out.prompt_ids, tokenizer.encode("the cat sat"));
    assert.equal(out.ids.length, 7);
    assert.equal(out.text, tokenizer.decode(out.ids));
    const again = JSON.parse(
      run(
        "generate",
        "--model",
        dir,
        "--prompt",
        "the cat sat",
        "--max-new-tokens",
        "7",
        "--no-stop",
        "--json",
      ).stdout,
    );
    assert.deepEqual(again.ids, out.ids, "greedy is the default");
  });

  it("generate --top-k --seed is reproducible", () => {
    const args = [
      "generate",
      "--model",
      dir,
      "--prompt",
      "hello",
      "--top-k",
      "20",
      "--seed",
      "5",
      "--max-new-tokens",
      "10",
      "--no-stop",
      "--json",
    ];
    const a = JSON.parse(run(...args).stdout);
    const b = JSON.parse(run(...args).stdout);
    assert.deepEqual(a.ids, b.ids);
  });

  it("logprob --json agrees with the library and sums its tokens", async () => {
    const r = run("logprob", "--model", dir, "--prompt", "the cat", "--target", " sat down", "--json");
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const sum = out.tokens.reduce((a: number, t: { logprob: number }) => a + t.logprob, 0);
    assert.ok(Math.abs(sum - out.logprob) < 1e-9);
    const lib = scoreContinuation(loadModel(dir), await loadTokenizer(dir), "the cat", " sat down");
    assert.ok(Math.abs(lib.logprob - out.logprob) < 1e-9);
    assert.ok(out.logprob < 0);
  });

  it("usage errors exit 2 and name the problem", () => {
    const missing = run("generate", "--prompt", "x");
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--model is required/);
    const both = run("generate", "--model", dir, "--prompt", "x", "--greedy", "--top-k", "3");
    assert.equal(both.code, 2);
    assert.match(both.stderr, /exclude each other/);
    const unknown = run("frobnicate");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'frobnicate'/);
    assert.equal(run("logprob", "--model", dir, "--prompt", "x", "--target", "y", "--bogus").code, 2);
  });

  it("runtime errors exit 1 with the culprit named", () => {
    const r = run("inspect", "--model", "/nonexistent/model");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\/nonexistent\/model/);
    const empty = run("logprob", "--model", dir, "--prompt", "x", "--target", "");
    assert.notEqual(empty.code, 0);
  });
});
