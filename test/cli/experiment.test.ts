// `locedit experiment` end to end on models/tiny-facts, the issue's configuration: MEMIT and
// MEMIT+BLUE, 60 edits in batches of 10, every general-capability probe format on the small fixture
// files every 2 batches; the RUN/ layout (config.json, batches.jsonl, probes.jsonl, metrics.json,
// report.html, report.md, state/), --json printing metrics.json, `locedit eval` on the saved edited
// model giving the run's efficacy / generalisation / specificity, `locedit report` on both runs,
// and bad records, probe files and run folders refused with the file, record, field or flag named.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { repoRoot } from "../models/golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const MODEL = join(repoRoot, "models", "tiny-facts");
const RECORDS = join(MODEL, "eval", "counterfact.json");
const CORPUS = join(MODEL, "eval", "corpus.txt");
const GLUE = join(repoRoot, "test", "fixtures", "eval", "glue");
const GLUE_TASKS = ["sst2", "mrpc", "cola", "rte", "mmlu", "nli"];

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const lines = (path: string) =>
  readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));

describe("locedit experiment: 60 edits, MEMIT and MEMIT+BLUE", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-experiment-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const all = JSON.parse(readFileSync(RECORDS, "utf8"));
  const retention = join(work, "retention.json");
  writeFileSync(retention, JSON.stringify(all.slice(150, 160))); // facts no run edits
  const text = join(work, "text.txt");
  writeFileSync(text, readFileSync(CORPUS, "utf8").split("\n").slice(0, 20).join("\n"));
  // The model's own hyperparameters with fewer compute_z steps, to keep the test short.
  const hparams = (blue: boolean) => {
    const file = join(work, `memit${blue ? "-blue" : ""}.json`);
    const h = JSON.parse(readFileSync(join(MODEL, "hparams", `memit${blue ? "-blue" : ""}.json`), "utf8"));
    writeFileSync(file, JSON.stringify({ ...h, v_num_grad_steps: 15 }));
    return file;
  };
  const probes = [
    ...GLUE_TASKS.map((t) => ["--probe", `${t}=${join(GLUE, `${t}.json`)}`]).flat(),
    ...["--probe", `perplexity=${text}`, "--probe", `retention=${retention}`],
  ];
  const common = [
    ...["--model", MODEL, "--method", "memit", "--records", RECORDS, "--edits", "60", "--batch-size", "10"],
    ...[
      "--eval-every",
      "2",
      ...probes,
      "--stats",
      join(work, "stats"),
      "--corpus",
      CORPUS,
      "--samples",
      "999",
    ],
    "--skip-generation",
  ];
  const runs = { memit: join(work, "memit"), blue: join(work, "blue") };
  const saved = join(work, "edited");

  it("runs both to the end and writes the RUN/ layout", () => {
    const a = run(
      "experiment",
      ...common,
      "--hparams",
      hparams(false),
      "--out",
      runs.memit,
      "--save-model",
      saved,
      "--json",
    );
    assert.equal(a.code, 0, a.stderr);
    const b = run("experiment", ...common, "--blue", "--hparams", hparams(true), "--out", runs.blue);
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /60 edits \(counterfact\): efficacy [\d.]+/);
    for (const [name, dir] of Object.entries(runs)) {
      const files = readdirSync(dir).sort();
      assert.deepEqual(files, [
        "batches.jsonl",
        "config.json",
        "metrics.json",
        "probes.jsonl",
        "report.html",
        "report.md",
        "state",
      ]);
      const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8"));
      assert.equal(config.method, "memit");
      assert.equal(config.blue, name === "blue");
      assert.equal(config.key_history, false);
      assert.equal(config.batches, 6);
      assert.equal(config.eval_every, 2);
      assert.match(config.model.fingerprint, /^[0-9a-f]{64}$/);
      assert.match(config.command, /^locedit experiment --model /);
      assert.equal(config.hparams.v_num_grad_steps, 15);
      assert.match(config.hparams_source, /memit(-blue)?\.json$/);
      assert.equal(config.records.case_ids.length, 60);
      assert.ok(config.context_templates.length > 1);
      const batches = lines(join(dir, "batches.jsonl"));
      assert.deepEqual(
        batches.map((l) => l.index),
        [1, 2, 3, 4, 5, 6],
      );
      assert.deepEqual(
        batches.map((l) => l.edits),
        [10, 20, 30, 40, 50, 60],
      );
      assert.deepEqual(batches[1].case_ids, config.records.case_ids.slice(10, 20));
      for (const batch of batches) {
        for (const k of ["z", "keys", "solve", "apply", "total"]) assert.ok(batch.timings_s[k] >= 0, k);
        assert.deepEqual(
          batch.layers.map((l: { layer: number }) => l.layer),
          [0, 1],
        );
        assert.equal(batch.requests.length, 10);
        type Z = { loss_before: number; loss_after: number };
        const z: Z[] = batch.requests.flatMap((r: { z: Z[] }) => r.z);
        assert.equal(z.length, name === "blue" ? 20 : 10);
        const mean = (k: keyof Z) => z.reduce((a, x) => a + x[k], 0) / z.length;
        assert.ok(
          mean("loss_after") < mean("loss_before"),
          `batch ${batch.index}: compute_z did not lower the loss`,
        );
      }
      // The first batch's shift is its own update; then ‖W − W₀‖ grows.
      for (const l of batches[0].layers)
        assert.ok(Math.abs(l.shift_norm - l.delta_norm) < 1e-4 * l.delta_norm);
      assert.ok(batches[5].layers[1].shift_norm > batches[0].layers[1].shift_norm);
      const probeLines = lines(join(dir, "probes.jsonl"));
      assert.deepEqual(
        probeLines.map((l) => l.edits),
        [0, 20, 40, 60],
      );
      for (const line of probeLines)
        assert.deepEqual(Object.keys(line.probes).sort(), [...GLUE_TASKS, "perplexity", "retention"].sort());
      // tiny-facts reads 80 positions: MRPC's and NLI's rows are skipped and counted, not fatal.
      assert.equal(probeLines[0].probes.mrpc.n + probeLines[0].probes.mrpc.skipped, 2);
      const metrics = JSON.parse(readFileSync(join(dir, "metrics.json"), "utf8"));
      assert.deepEqual(Object.keys(metrics), ["edits", "format", "metrics", "general", "seconds"]);
      assert.equal(metrics.edits, 60);
      assert.equal(metrics.format, "counterfact");
      assert.equal(metrics.metrics.n + metrics.metrics.skipped, 60);
      for (const k of ["efficacy", "generalization", "specificity", "score"])
        assert.equal(typeof metrics.metrics[k], "number", k);
      assert.equal(typeof metrics.metrics.wild.efficacy, "number");
      assert.equal(metrics.metrics.fluency, null, "--skip-generation");
      assert.deepEqual(metrics.general, probeLines[3].probes);
      if (name === "memit") assert.deepEqual(JSON.parse(a.stdout), metrics);
      assert.match(
        readFileSync(join(dir, "report.md"), "utf8"),
        /\| MEMIT(\+BLUE)? \| tiny-facts \| 60 \/ 10 \|/,
      );
    }
  });

  it("locedit eval on the saved model gives the run's efficacy, generalisation and specificity", () => {
    const first60 = join(work, "first60.json");
    writeFileSync(first60, JSON.stringify(all.slice(0, 60)));
    const r = run("eval", "--model", saved, "--records", first60, "--json");
    assert.equal(r.code, 0, r.stderr);
    const evaluated = JSON.parse(r.stdout);
    const metrics = JSON.parse(readFileSync(join(runs.memit, "metrics.json"), "utf8")).metrics;
    for (const k of [
      "efficacy",
      "generalization",
      "specificity",
      "efficacyMagnitude",
      "specificityMagnitude",
    ])
      assert.equal(evaluated[k], metrics[k], k);
    assert.ok(existsSync(join(saved, "edit-log.json")));
    assert.equal(JSON.parse(readFileSync(join(saved, "edit-log.json"), "utf8")).batches.length, 6);
  });

  it("locedit report sets both runs side by side", () => {
    const html = join(work, "report.html");
    const md = join(work, "report.md");
    const r = run("report", runs.memit, runs.blue, "--out", html, "--md", md);
    assert.equal(r.code, 0, r.stderr);
    const page = readFileSync(html, "utf8");
    // A chart per probe with a figure (MRPC's and NLI's rows may all be too long for tiny-facts),
    // the weight shift, compute_z before and after, the timings.
    const probeLines = lines(join(runs.memit, "probes.jsonl"));
    const charted = Object.values(probeLines[0].probes).filter((p) => (p as { n: number }).n > 0);
    assert.ok(charted.length >= 6);
    assert.equal(page.match(/<svg/g)?.length, charted.length + 4);
    assert.doesNotMatch(page, /<script|(src|href)="https?:/);
    const text = readFileSync(md, "utf8");
    assert.match(text, /\| MEMIT \| tiny-facts \| 60 \/ 10 \|/);
    assert.match(text, /\| MEMIT\+BLUE \| tiny-facts \| 60 \/ 10 \|/);
  });

  it("refuses a run folder given other flags, or without --resume, or missing", () => {
    let r = run(
      "experiment",
      ...common,
      "--hparams",
      hparams(false),
      "--out",
      runs.memit,
      "--resume",
      "--batch-size",
      "20",
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /holds a run started with --batch-size 10, not 20/);
    r = run("experiment", ...common, "--out", runs.memit, "--resume");
    assert.match(r.stderr, /started with --hparams .*memit\.json, not \(not given\)/);
    r = run("experiment", ...common, "--hparams", hparams(false), "--out", runs.memit);
    assert.match(r.stderr, /--out .*memit already exists; pass --resume/);
    r = run("experiment", ...common, "--out", join(work, "nothing"), "--resume");
    assert.match(r.stderr, /--resume: .*nothing does not exist/);
    const notRun = join(work, "stats");
    r = run("experiment", ...common, "--out", notRun, "--resume");
    assert.match(r.stderr, /not an experiment run folder \(no config\.json\)/);
  });

  it("names the file, record and field of bad records and probe files, and bad flags", () => {
    const bad = JSON.parse(JSON.stringify(all.slice(0, 3)));
    delete bad[1].requested_rewrite.target_new.str;
    const badRecords = join(work, "bad.json");
    writeFileSync(badRecords, JSON.stringify(bad));
    const base = ["experiment", "--model", MODEL, "--method", "memit", "--edits", "2", "--batch-size", "1"];
    let r = run(...base, "--records", badRecords, "--out", join(work, "x1"));
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /bad\.json: record 1 \(case_id 1\): field "requested_rewrite\.target_new\.str" must be a non-empty string/,
    );
    const zsre = join(work, "bad-zsre.json");
    writeFileSync(
      zsre,
      JSON.stringify([
        {
          subject: "Zira Kudor",
          src: "Where is Zira Kudor from?",
          rephrase: "x",
          loc: "nq question: y",
          loc_ans: "z",
        },
      ]),
    );
    r = run(...base, "--records", zsre, "--format", "zsre", "--out", join(work, "x2"));
    assert.match(r.stderr, /bad-zsre\.json: record 0: field "answers"/);
    const probe = join(work, "sst2-bad.json");
    writeFileSync(
      probe,
      JSON.stringify([
        { sentence: "good .", label: 1 },
        { sentence: "bad .", label: 7 },
      ]),
    );
    r = run(...base, "--records", RECORDS, "--probe", `sst2=${probe}`, "--out", join(work, "x3"));
    assert.match(r.stderr, /sst2-bad\.json: row 1: field "label" must be 0 or 1/);
    r = run(...base, "--records", RECORDS, "--probe", "bogus=x", "--out", join(work, "x4"));
    assert.match(r.stderr, /unknown task "bogus"/);
    r = run(...base, "--records", RECORDS, "--edits", "999", "--out", join(work, "x5"));
    assert.match(r.stderr, /--edits 999: the file holds only 200 records/);
    r = run(
      "experiment",
      "--model",
      MODEL,
      "--method",
      "alphaedit",
      "--variant",
      "seq",
      "--records",
      RECORDS,
      "--edits",
      "2",
      "--batch-size",
      "1",
      "--out",
      join(work, "x6"),
    );
    assert.match(r.stderr, /--variant: the seq variant applies to memit and pmet, not alphaedit/);
    r = run(...base, "--records", RECORDS, "--variant", "fast", "--out", join(work, "x7"));
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--variant must be one of seq, rect, prune/);
    for (const x of ["x1", "x2", "x3", "x4", "x5", "x6", "x7"])
      assert.ok(!existsSync(join(work, x)), `${x} was created`);
  });
});
