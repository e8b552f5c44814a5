// End-to-end test of `locedit download`: HF_ENDPOINT and HF_TOKEN from the environment, a fake
// hub on 127.0.0.1 (test/hub/fake-hub.ts), the --json summary, plain output off a TTY, one-line
// errors and exit codes. No test reaches the internet.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeTempDir } from "../io/fixtures.js";
import { FakeHub } from "../hub/fake-hub.js";
import { repoRoot } from "../models/golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const SOURCE = join(repoRoot, "models", "tiny-random-llama");
const files = Object.fromEntries(readdirSync(SOURCE).map((n) => [n, readFileSync(join(SOURCE, n))]));
const temp = makeTempDir();
after(temp.cleanup);

/** Runs the CLI without blocking the event loop (the fake hub lives in this process). */
function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, HF_TOKEN: "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("locedit download", () => {
  const hub = new FakeHub([
    {
      repo: "org/tiny",
      commit: "a".repeat(40),
      files,
      drops: { "model.safetensors": { after: 50_000, times: 1 } },
    },
    { repo: "org/gated", commit: "b".repeat(40), files, token: "tok" },
  ]);
  let endpoint = "";
  before(async () => {
    endpoint = await hub.start();
  });
  after(() => hub.stop());

  it("downloads into --out from HF_ENDPOINT and prints a JSON summary", async () => {
    const out = join(temp.dir, "tiny");
    const r = await run(["download", "org/tiny", "--out", out, "--json"], { HF_ENDPOINT: endpoint });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.equal(summary.commit, "a".repeat(40));
    assert.deepEqual(summary.files.map((f: { path: string }) => f.path).sort(), Object.keys(files).sort());
    for (const name of Object.keys(files)) assert.ok(readFileSync(join(out, name)).equals(files[name]), name);
    assert.ok(!r.stderr.includes("\r"), "no bar redraws off a TTY");
    assert.match(
      r.stderr,
      /model\.safetensors: connection dropped after 50000 bytes .*resuming at byte 50000/,
    );
    const again = await run(["download", "org/tiny", "--out", out], { HF_ENDPOINT: endpoint });
    assert.equal(again.code, 1);
    assert.match(again.stderr, /^locedit download: error: .*already exists/);
  });

  it("a gated repo: one line naming HF_TOKEN, then success with the token", async () => {
    const out = join(temp.dir, "gated");
    const denied = await run(["download", "org/gated", "--out", out], { HF_ENDPOINT: endpoint });
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr.trim().split("\n").length, 1, denied.stderr);
    assert.match(denied.stderr, /HTTP 401 .*set HF_TOKEN/);
    assert.equal(existsSync(out), false);
    const ok = await run(["download", "org/gated", "--out", out, "--revision", "b".repeat(40)], {
      HF_ENDPOINT: endpoint,
      HF_TOKEN: "tok",
    });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /org\/gated@b{40} \(commit b{40}\): 4 files, 0\.2 MB in [\d.]+ s/);
  });

  it("usage errors exit 2", async () => {
    assert.equal((await run(["download", "--out", "x"], { HF_ENDPOINT: endpoint })).code, 2);
    const noOut = await run(["download", "org/tiny"], { HF_ENDPOINT: endpoint });
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /--out is required/);
  });
});
