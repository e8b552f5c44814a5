// `locedit experiment` killed with SIGKILL in its third batch and resumed with --resume ends with
// the metrics.json (and batches.jsonl, probes.jsonl) of an uninterrupted run, figures for figures
// (timings aside) — with fluency and CounterFact consistency against snippets with a vocabulary
// fitted on a corpus, and the seq variant's key history carried across the kill. A zsRE file in the
// published MEND layout runs end to end.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { repoRoot } from "../models/golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const MODEL = join(repoRoot, "models", "tiny-facts");
const RECORDS = join(MODEL, "eval", "counterfact.json");
const CORPUS = join(MODEL, "eval", "corpus.txt");
const FIXTURES = join(repoRoot, "test", "fixtures", "eval");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The value with every "seconds" and "timings_s" field removed. */
function figures(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(figures);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== "seconds" && k !== "timings_s")
      .map(([k, v]) => [k, figures(v)]),
  );
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), "utf8");
const jsonLines = (dir: string, file: string) =>
  read(dir, file)
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));

/** Resolves once `check` holds (polled every 10 ms), or rejects when the process exits first. */
function waitFor(check: () => boolean, child: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (check()) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
    child.once("exit", (code) => {
      clearInterval(timer);
      reject(new Error(`the run ended (exit ${code}) before it could be killed`));
    });
  });
}

describe("locedit experiment --resume", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-resume-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const hparams = join(work, "fast.json");
  writeFileSync(
    hparams,
    JSON.stringify({
      layers: [0, 1],
      v_loss_layer: 3,
      v_num_grad_steps: 8,
      clamp_norm_factor: 3,
      mom2_update_weight: 100,
    }),
  );
  const records = JSON.parse(readFileSync(RECORDS, "utf8"));
  // Attribute snippets for the first records' new targets (sentences of the fact world).
  const snippets = join(work, "snippets.json");
  writeFileSync(
    snippets,
    JSON.stringify(
      records
        .slice(0, 5)
        .map(
          (r: {
            requested_rewrite: { relation_id: string; target_new: { id: string; str: string } };
            attribute_prompts: string[];
          }) => ({
            relation_id: r.requested_rewrite.relation_id,
            target_id: r.requested_rewrite.target_new.id,
            samples: r.attribute_prompts.map((p) => ({
              name: p,
              text: `${p} ${r.requested_rewrite.target_new.str}.`,
            })),
          }),
        ),
    ),
  );
  const text = join(work, "text.txt");
  writeFileSync(text, read(MODEL, "eval/corpus.txt").split("\n").slice(0, 10).join("\n"));
  const args = (out: string) => [
    "experiment",
    ...["--model", MODEL, "--method", "memit", "--variant", "seq", "--blue", "--records", RECORDS],
    ...["--edits", "8", "--batch-size", "2", "--eval-every", "2", "--hparams", hparams],
    ...["--probe", `sst2=${join(FIXTURES, "glue", "sst2.json")}`, "--probe", `perplexity=${text}`],
    ...["--snippets", snippets, "--tfidf-corpus", CORPUS],
    ...["--stats", join(work, "stats"), "--corpus", CORPUS, "--samples", "300", "--out", out],
  ];

  it("killed in its third batch and resumed, it ends with the uninterrupted run's figures", async () => {
    const whole = join(work, "whole");
    const r = run(...args(whole));
    assert.equal(r.code, 0, r.stderr);
    const killed = join(work, "killed");
    const child = spawn(process.execPath, [CLI, ...args(killed)], { stdio: "ignore" });
    const progress = join(killed, "state", "progress.json");
    // Batch 2 is saved: the run is in its third batch.
    await waitFor(
      () => existsSync(progress) && JSON.parse(readFileSync(progress, "utf8")).batches_done === 2,
      child,
    );
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    assert.equal(
      jsonLines(killed, "batches.jsonl").length,
      2,
      "the kill came after the third batch had finished",
    );
    assert.ok(!existsSync(join(killed, "metrics.json")));
    const resumed = run(...args(killed), "--resume");
    assert.equal(resumed.code, 0, resumed.stderr);
    const a = JSON.parse(read(whole, "metrics.json"));
    const b = JSON.parse(read(killed, "metrics.json"));
    assert.deepEqual(figures(b), figures(a));
    assert.equal(typeof a.metrics.fluency, "number");
    assert.equal(typeof a.metrics.consistency, "number");
    assert.ok(a.metrics.consistencyMissing > 0, "records without snippets are counted");
    assert.deepEqual(figures(jsonLines(killed, "batches.jsonl")), figures(jsonLines(whole, "batches.jsonl")));
    assert.deepEqual(figures(jsonLines(killed, "probes.jsonl")), figures(jsonLines(whole, "probes.jsonl")));
    const config = JSON.parse(read(killed, "config.json"));
    assert.equal(config.key_history, true);
    assert.equal(config.variant, "seq");
    assert.match(config.evaluation.consistency.vectorizer, /fitted on .*corpus\.txt/);
    assert.match(read(killed, "report.md"), /\| MEMIT-seq\+BLUE \| tiny-facts \| 8 \/ 2 \|/);
  });

  it("runs a zsRE file in the MEND layout end to end", () => {
    const out = join(work, "zsre");
    const r = run(
      ...["experiment", "--model", MODEL, "--method", "memit", "--records", join(FIXTURES, "zsre.json")],
      ...["--format", "zsre", "--edits", "4", "--batch-size", "2", "--hparams", hparams],
      ...["--stats", join(work, "stats"), "--corpus", CORPUS, "--samples", "300", "--out", out, "--json"],
    );
    assert.equal(r.code, 0, r.stderr);
    const metrics = JSON.parse(r.stdout);
    assert.equal(metrics.format, "zsre");
    assert.equal(metrics.edits, 4);
    assert.deepEqual(metrics.general, {});
    for (const k of ["efficacy", "generalization", "specificity"])
      assert.ok(metrics.metrics[k] >= 0 && metrics.metrics[k] <= 100, `${k} ${metrics.metrics[k]}`);
    assert.equal(metrics.metrics.n, 4);
    assert.equal(typeof metrics.metrics.wild.efficacy, "number");
    assert.equal(jsonLines(out, "batches.jsonl").length, 2);
    assert.equal(read(out, "probes.jsonl"), "");
    assert.match(
      read(out, "report.md"),
      /\| MEMIT \| tiny-facts \| 4 \/ 2 \| – \| – \| – \| – \| – \| [\d.]+ \|/,
    );
  });
});
