// End to end `locedit edit` on the bundled tiny-facts model: a complete Hugging Face folder that
// loads again and now completes the edited prompt with the new target, edit-log.json with the
// issue's fields (layers, ΔW norms, per-request z loss before/after, timings), --json printing
// that log, BLUE touching two layers, and clear errors for bad input, leaving no folder behind.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { loadModel } from "../../src/models/load.js";
import { scoreContinuation } from "../../src/runtime/score.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { repoRoot } from "../models/golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const MODEL = join(repoRoot, "models", "tiny-facts");
const CORPUS = join(MODEL, "eval", "corpus.txt");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("locedit edit", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-edit-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const records = JSON.parse(readFileSync(join(MODEL, "eval", "counterfact.json"), "utf8")).slice(0, 3);
  const requests = join(work, "requests.json");
  writeFileSync(requests, JSON.stringify(records));
  const stats = join(work, "stats");
  const hparams = join(work, "memit.json");
  writeFileSync(
    hparams,
    JSON.stringify({
      layers: [0, 1],
      v_loss_layer: 3,
      v_num_grad_steps: 12,
      clamp_norm_factor: 3,
      mom2_update_weight: 40,
    }),
  );

  it("writes a model folder that loads and answers with the new targets, plus edit-log.json", async () => {
    const out = join(work, "edited");
    const common = [
      "--model",
      MODEL,
      "--requests",
      requests,
      "--stats",
      stats,
      "--corpus",
      CORPUS,
      "--samples",
      "300",
    ];
    const r = run("edit", ...common, "--method", "memit", "--hparams", hparams, "--out", out, "--json");
    assert.equal(r.code, 0, r.stderr);
    const printed = JSON.parse(r.stdout);
    const log = JSON.parse(readFileSync(join(out, "edit-log.json"), "utf8"));
    assert.deepEqual(printed, log);
    assert.equal(log.method, "memit");
    assert.equal(log.blue, false);
    assert.equal(log.batches.length, 1);
    const batch = log.batches[0];
    assert.deepEqual(batch.layers, [0, 1]);
    assert.equal(batch.deltas.length, 2);
    for (const d of batch.deltas) assert.ok(d.delta_norm > 0 && d.weight_norm > 0);
    assert.equal(batch.requests.length, 3);
    for (const q of batch.requests) {
      assert.ok(q.z[0].loss_after < q.z[0].loss_before, JSON.stringify(q.z));
      assert.ok(q.target_new.startsWith(" "));
    }
    for (const k of ["statistics", "z", "keys", "solve", "total"]) assert.ok(batch.timings_s[k] >= 0, k);
    const model = loadModel(out);
    const tokenizer = await loadTokenizer(out);
    let wins = 0;
    for (const rec of records) {
      const prompt = rec.requested_rewrite.prompt.replace("{}", rec.requested_rewrite.subject);
      const newer = scoreContinuation(
        model,
        tokenizer,
        prompt,
        " " + rec.requested_rewrite.target_new.str,
      ).logprob;
      const older = scoreContinuation(
        model,
        tokenizer,
        prompt,
        " " + rec.requested_rewrite.target_true.str,
      ).logprob;
      if (newer > older) wins++;
    }
    assert.ok(wins >= 2, `${wins}/3 edited prompts prefer the new target`);
  });

  it("--blue updates exactly the first and last layers, in sequential batches", () => {
    const out = join(work, "blue");
    const r = run(
      "edit",
      ...["--model", MODEL, "--requests", requests, "--stats", stats, "--method", "memit", "--blue"],
      ...["--hparams", hparams, "--out", out, "--batch-size", "2", "--json"],
    );
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout);
    assert.equal(log.blue, true);
    assert.deepEqual(
      log.batches.map((b: { requests: unknown[] }) => b.requests.length),
      [2, 1],
    );
    for (const b of log.batches) assert.deepEqual(b.layers, [0, 1]);
    assert.deepEqual(
      log.batches[0].requests[0].z.map((z: { layer: number }) => z.layer),
      [0, 1],
    );
  });

  it("errors name the culprit and leave no folder behind", () => {
    const out = join(work, "never");
    const bad = join(work, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify([{ prompt: "{} was born in", subject: "Nobody Here", target_new: "" }]),
    );
    const cases: [string[], RegExp][] = [
      [["--method", "memit", "--requests", bad], /target/],
      [["--method", "nope", "--requests", requests], /--method must be one of/],
      [["--method", "rome", "--blue", "--requests", requests], /--blue applies to memit/],
      [["--method", "memit", "--requests", join(work, "missing.json")], /missing\.json/],
      [
        ["--method", "memit", "--requests", requests, "--stats", join(work, "empty")],
        /no statistics for layer/,
      ],
    ];
    for (const [args, pattern] of cases) {
      const r = run("edit", "--model", MODEL, "--stats", stats, "--out", out, ...args);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, pattern);
      assert.equal(existsSync(out), false);
    }
  });
});
