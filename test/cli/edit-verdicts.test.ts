// A failed edit is never reported as a success (issue 14, case 4). AlphaEdit on the random-weight
// tiny Llama computes ΔW = 0 (its null-space projector removes the whole update) and used to print
// "wrote …" with exit 0. Now every request is scored on its prompt before and after its batch, a
// per-fact table is printed, each request that did not take is a warning naming it, the edit log
// records the verdicts, and --strict makes it an error that writes nothing. A working MEMIT edit of
// tiny-facts passes the same check.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Editor } from "../../src/editing/editor/editor.js";
import { repoRoot } from "../models/golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const LLAMA = join(repoRoot, "models", "tiny-random-llama");
const FACTS = join(repoRoot, "models", "tiny-facts");
const CORPUS = join(FACTS, "eval", "corpus.txt");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("edit verdicts", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-verdicts-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const requests = join(work, "requests.json");
  writeFileSync(
    requests,
    JSON.stringify([
      {
        prompt: "{} was born in",
        subject: "Danielle Darrieux",
        target_new: "London",
        target_true: "Paris",
        case_id: 7,
      },
      { prompt: "{} plays", subject: "Tiger Woods", target_new: "tennis" },
    ]),
  );
  const common = [
    "--model",
    LLAMA,
    "--method",
    "alphaedit",
    "--requests",
    requests,
    "--stats",
    join(work, "stats"),
  ];
  const corpus = ["--corpus", CORPUS, "--samples", "200"];

  it("AlphaEdit's zero update is a warning naming each request, recorded in the edit log", () => {
    const out = join(work, "zero");
    const r = run("edit", ...common, ...corpus, "--out", out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /request\s+target_new\s+p\(new\) before → after\s+p\(old\) before → after\s+took/);
    assert.match(r.stderr, /warning: batch 1: 2 of 2 requests did not take/);
    assert.match(r.stderr, /request 0 \(id 7\) "Danielle Darrieux was born in" → " London": ΔW is zero/);
    assert.match(r.stderr, /request 1 "Tiger Woods plays" → " tennis": ΔW is zero/);
    const log = JSON.parse(readFileSync(join(out, "edit-log.json"), "utf8"));
    const [first, second] = log.batches[0].requests;
    assert.equal(first.outcome.took, false);
    assert.match(first.outcome.reason, /ΔW is zero/);
    assert.equal(first.outcome.new_logprob.after, first.outcome.new_logprob.before);
    assert.ok(Number.isFinite(first.outcome.true_logprob.before));
    assert.equal(second.outcome.true_logprob, undefined);
    assert.deepEqual(log.batches[0].not_taken, [7, 1]);
  });

  it("--strict makes it an error that writes nothing", () => {
    const out = join(work, "strict");
    const r = run("edit", ...common, "--out", out, "--strict");
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: batch 1: 2 of 2 requests did not take.*--strict/s);
    assert.equal(existsSync(out), false);
  });

  it("a working edit takes, and a library Editor with strict undoes a batch that did not", async () => {
    const editor = await Editor.fromPretrained(FACTS, {
      method: "memit",
      hparams: {
        layers: [0, 1],
        v_loss_layer: 3,
        v_num_grad_steps: 12,
        clamp_norm_factor: 3,
        mom2_update_weight: 40,
      },
      stats: { dir: join(work, "facts-stats"), corpus: [CORPUS], samples: 300 },
    });
    const records = JSON.parse(readFileSync(join(FACTS, "eval", "counterfact.json"), "utf8")).slice(0, 3);
    const log = await editor.edit(records);
    assert.ok(
      log.requests.filter((q) => q.outcome.took).length >= 2,
      JSON.stringify(log.requests.map((q) => q.outcome)),
    );
    for (const q of log.requests) assert.ok(q.outcome.new_logprob.after > q.outcome.new_logprob.before);

    const llama = await Editor.fromPretrained(LLAMA, {
      method: "alphaedit",
      stats: { dir: join(work, "stats") },
      strict: true,
    });
    const before = llama.model.param("model.layers.0.mlp.down_proj.weight").slice();
    await assert.rejects(
      llama.edit(JSON.parse(readFileSync(requests, "utf8"))),
      /batch 1: 2 of 2 requests did not take: request 0 \(id 7\)/,
    );
    assert.deepEqual(llama.model.param("model.layers.0.mlp.down_proj.weight"), before);
    assert.equal(llama.history.length, 0);
  });
});
