// Every command on a tiny random checkpoint of each newer family (test/fixtures/models, written by
// scripts/golden/make_model_goldens.py with the small test tokenizer): inspect, generate and
// logprob agree with the library, stats accumulates C0, and MEMIT and MEMIT+BLUE edits write a
// folder that loads again with only the edited matrices changed (GPT-NeoX: its fused qkv written
// back in the per-head layout). A Mistral prompt past the sliding window is one clear error.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { editSurface } from "../../src/models/edit-surface.js";
import { loadModel } from "../../src/models/load.js";
import { generate } from "../../src/runtime/generate.js";
import { scoreContinuation } from "../../src/runtime/score.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { fixtureDir, repoRoot } from "../models/golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const CORPUS = join(repoRoot, "models", "tiny-facts", "eval", "corpus.txt");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const FAMILIES: [string, string, string][] = [
  ["qwen2-tiny", "llama", "qwen2"],
  ["qwen3-tiny", "llama", "qwen3"],
  ["mistral-tiny", "llama", "mistral"],
  ["gpt-neox-tiny", "gpt_neox", "gpt_neox"],
];

const work = mkdtempSync(join(tmpdir(), "locedit-families-"));
after(() => rmSync(work, { recursive: true, force: true }));
const requests = join(work, "requests.json");
writeFileSync(
  requests,
  JSON.stringify([
    { prompt: "{} is the capital of", subject: "Paris", target_new: " Rome", target_true: " France" },
    { prompt: "The cat sat on the", subject: "cat", target_new: " dog" },
  ]),
);
const hparams = join(work, "memit.json");
writeFileSync(
  hparams,
  JSON.stringify({ layers: [0, 1], v_loss_layer: 2, v_num_grad_steps: 6, clamp_norm_factor: 3 }),
);

for (const [name, architecture, family] of FAMILIES) {
  describe(`locedit on ${name}`, () => {
    const dir = fixtureDir(name);
    const stats = join(work, `stats-${name}`);

    it("inspect --json names the block and the family", () => {
      const r = run("inspect", "--model", dir, "--json");
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout);
      assert.deepEqual([report.architecture, report.family, report.layers], [architecture, family, 3]);
    });

    it("generate and logprob agree with the library", async () => {
      const model = loadModel(dir);
      const tokenizer = await loadTokenizer(dir);
      const g = run(
        "generate",
        "--model",
        dir,
        "--prompt",
        "the cat sat",
        "--max-new-tokens",
        "6",
        "--no-stop",
        "--json",
      );
      assert.equal(g.code, 0, g.stderr);
      const promptIds = tokenizer.encode("the cat sat");
      const [ids] = generate(model, [promptIds], { maxNewTokens: 6 });
      assert.deepEqual(JSON.parse(g.stdout).ids, ids);
      const l = run("logprob", "--model", dir, "--prompt", "the cat", "--target", " sat down", "--json");
      assert.equal(l.code, 0, l.stderr);
      const lib = scoreContinuation(model, tokenizer, "the cat", " sat down");
      assert.ok(Math.abs(JSON.parse(l.stdout).logprob - lib.logprob) < 1e-9);
    });

    it("stats accumulates C0 for the layers asked", () => {
      const r = run(
        "stats",
        ...["--model", dir, "--layers", "0,1", "--corpus", CORPUS, "--samples", "20", "--max-len", "32"],
        ...["--out", stats, "--json"],
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.deepEqual(
        out.layers.map((l: { layer: number }) => l.layer),
        [0, 1],
      );
      for (const l of out.layers) assert.ok(l.count > 100 && l.trace_c0 > 0);
    });

    for (const blue of [false, true]) {
      it(`edit --method memit${blue ? " --blue" : ""}: only W_out of the edited layers changes`, () => {
        const out = join(work, `${name}-${blue ? "blue" : "memit"}`);
        const r = run(
          "edit",
          ...["--model", dir, "--method", "memit", ...(blue ? ["--blue"] : []), "--hparams", hparams],
          ...["--requests", requests, "--stats", stats, "--out", out, "--json"],
        );
        assert.equal(r.code, 0, r.stderr);
        const log = JSON.parse(r.stdout);
        assert.equal(log.blue, blue);
        assert.deepEqual(log.batches[0].layers, [0, 1]);
        for (const q of log.batches[0].requests)
          for (const z of q.z) assert.ok(z.loss_after < z.loss_before, JSON.stringify(q.z));
        const before = loadModel(dir);
        const after = loadModel(out);
        const edited = new Set([0, 1].map((l) => editSurface(before, l).mlpOut.weight));
        for (const spec of before.specs) {
          const same = Buffer.from(after.param(spec.name).buffer).equals(
            Buffer.from(before.param(spec.name).buffer),
          );
          assert.equal(same, !edited.has(spec.name), spec.name);
        }
      });
    }
  });
}

describe("locedit on a sliding-window model", () => {
  it("a prompt past Mistral's window is refused with one line naming sliding_window", () => {
    const prompt = "the cat sat on the mat and looked at the dog ".repeat(4);
    const r = run(
      "generate",
      "--model",
      fixtureDir("mistral-tiny"),
      "--prompt",
      prompt,
      "--max-new-tokens",
      "4",
    );
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /exceeds the model's 64 positions \(sliding_window = 64/);
  });
});
