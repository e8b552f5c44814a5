// End to end `locedit trace`, `locedit diagnose` and `locedit edit --layers` on the bundled
// tiny-facts model: the files each writes (JSON contract keys, HTML with inline SVG) and clear
// errors for bad input.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { repoRoot } from "../models/golden-helpers.js";
import { count, dumpDom, findBrowser } from "../plots/headless-browser.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const MODEL = join(repoRoot, "models", "tiny-facts");
const RECORDS = join(MODEL, "eval", "counterfact.json");
const CORPUS = join(MODEL, "eval", "corpus.txt");
const PROMPT = ["--prompt", "Zira Kudor holds a passport from", "--subject", "Zira Kudor"];

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("locedit trace / diagnose / edit --layers", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-trace-cli-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("trace of one prompt writes trace.json, trace.html and one SVG heatmap per kind", () => {
    const out = join(work, "one");
    const r = run("trace", "--model", MODEL, ...PROMPT, "--samples", "3", "--out", out, "--json");
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json.kinds), ["block", "mlp", "attn"]);
    assert.equal(json.answer.text, " Nigeria");
    assert.deepEqual(json.subject_range, [0, 2]);
    assert.equal(json.kinds.mlp.scores.length, json.tokens.length);
    assert.equal(json.kinds.mlp.scores[0].length, 4);
    assert.deepEqual(JSON.parse(readFileSync(join(out, "trace.json"), "utf8")), json);
    for (const kind of ["block", "mlp", "attn"])
      assert.match(readFileSync(join(out, `trace-${kind}.svg`), "utf8"), /^<svg/);
    const html = readFileSync(join(out, "trace.html"), "utf8");
    assert.equal((html.match(/<svg/g) ?? []).length, 3);
    // the text output: a grid per kind
    const text = run("trace", "--model", MODEL, ...PROMPT, "--samples", "2", "--kind", "block");
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /block \(window 1\)/);
  });

  it("trace over records reports the average effect and suggests critical layers", () => {
    const out = join(work, "records");
    const r = run(
      "trace",
      "--model",
      MODEL,
      "--records",
      RECORDS,
      "--count",
      "2",
      "--samples",
      "2",
      "--kind",
      "mlp",
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /suggested critical layers: \[0, 1\]/);
    const json = JSON.parse(readFileSync(join(out, "trace.json"), "utf8"));
    assert.equal(json.records.length, 2);
    assert.equal(json.average_indirect_effect.mlp.subject_last.mean.length, 4);
    assert.deepEqual(json.suggestion.layers, [0, 1]);
    assert.deepEqual(json.suggestion.boundary, [0, 1]);
    assert.ok(existsSync(join(out, "trace.html")));
  });

  it("trace: bad input gets a clear error", () => {
    const window = run("trace", "--model", MODEL, ...PROMPT, "--window", "5");
    assert.equal(window.code, 2);
    assert.match(window.stderr, /--window 5 is larger than the model, which has 4 layers/);
    const kind = run("trace", "--model", MODEL, ...PROMPT, "--kind", "neuron");
    assert.equal(kind.code, 2);
    assert.match(kind.stderr, /--kind must be one of block, mlp, attn, got 'neuron'/);
    const subject = run(
      "trace",
      "--model",
      MODEL,
      "--prompt",
      "Someone holds a passport from",
      "--subject",
      "Zira Kudor",
    );
    assert.equal(subject.code, 1);
    assert.match(
      subject.stderr,
      /subject "Zira Kudor" does not occur in prompt "Someone holds a passport from"/,
    );
    const noise = run("trace", "--model", MODEL, ...PROMPT, "--noise", "loud");
    assert.equal(noise.code, 2);
    assert.match(noise.stderr, /--noise must be a number ≥ 0 or a multiple of σ like "3x"/);
    const records = run("trace", "--model", MODEL, "--records", RECORDS);
    assert.equal(records.code, 2);
    assert.match(records.stderr, /--records needs --out DIR/);
  });

  it("diagnose writes diagnose.json with one key per analysis, and diagnose.html", () => {
    const out = join(work, "diagnose");
    const r = run(
      "diagnose",
      "--model",
      MODEL,
      "--method",
      "memit",
      "--records",
      RECORDS,
      "--count",
      "2",
      "--held-out",
      "1",
      "--steps",
      "3",
      "--stats",
      join(work, "stats"),
      "--corpus",
      CORPUS,
      "--samples",
      "100",
      "--out",
      out,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /\(d\) weight shift error/);
    const json = JSON.parse(readFileSync(join(out, "diagnose.json"), "utf8"));
    for (const key of ["contribution", "delta_alignment", "single_layer", "weight_shift", "hidden_shift"])
      assert.ok(key in json, key);
    assert.equal(json.hparams.v_num_grad_steps, 3);
    assert.match(readFileSync(join(out, "diagnose.html"), "utf8"), /<svg/);
  });

  it("diagnose.html and trace.html open in a headless browser with every plot", (t) => {
    const browser = findBrowser();
    if (browser === undefined) return t.skip("no Chromium-family browser on PATH");
    for (const file of [join(work, "diagnose", "diagnose.html"), join(work, "one", "trace.html")]) {
      const html = readFileSync(file, "utf8");
      const dom = dumpDom(browser, file);
      const charts = count(html, /<svg\b/);
      assert.ok(charts >= 3, file);
      // every chart and section is in the browser's DOM, each chart a whole SVG element with its marks
      assert.equal(count(dom, /<svg\b/), charts, file);
      assert.equal(count(dom, /<\/svg>/), charts, file);
      assert.equal(count(dom, /<h2\b/), count(html, /<h2\b/), file);
      assert.ok(count(dom, /<path\b/) >= charts, file);
    }
  });

  it("diagnose: bad input gets a clear error", () => {
    const rome = run(
      "diagnose",
      "--model",
      MODEL,
      "--method",
      "rome",
      "--records",
      RECORDS,
      "--out",
      join(work, "x"),
    );
    assert.equal(rome.code, 2);
    assert.match(rome.stderr, /--method must be one of memit, pmet, alphaedit, got 'rome'/);
    const count = run(
      "diagnose",
      "--model",
      MODEL,
      "--method",
      "memit",
      "--records",
      RECORDS,
      "--count",
      "200",
      "--out",
      join(work, "x"),
    );
    assert.equal(count.code, 2);
    assert.match(count.stderr, /--count 200 leaves no record .* unedited: at most 199/);
  });

  it("edit --layers auto chooses the critical layers by tracing and records them in edit-log.json", () => {
    const requests = join(work, "requests.json");
    writeFileSync(requests, JSON.stringify(JSON.parse(readFileSync(RECORDS, "utf8")).slice(30, 32)));
    const out = join(work, "edited");
    const r = run(
      "edit",
      "--model",
      MODEL,
      "--method",
      "memit",
      "--requests",
      requests,
      "--stats",
      join(work, "stats"),
      "--corpus",
      CORPUS,
      "--samples",
      "100",
      "--out",
      out,
      "--layers",
      "auto",
      "--json",
    );
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(readFileSync(join(out, "edit-log.json"), "utf8"));
    assert.deepEqual(log.critical_layers.layers, [0, 1]);
    assert.equal(log.critical_layers.source, "causal tracing (--layers auto)");
    assert.equal(log.critical_layers.evidence.records, 2);
    assert.deepEqual(log.hparams.layers, [0, 1]);
    assert.equal(log.hparams_derivation.layers, "causal tracing (--layers auto)");
    const bad = run(
      "edit",
      "--model",
      MODEL,
      "--method",
      "memit",
      "--requests",
      requests,
      "--stats",
      join(work, "stats"),
      "--out",
      join(work, "edited2"),
      "--layers",
      "1,9",
    );
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--layers must be "auto" or layer indices 0 … 3 separated by commas, got '1,9'/);
    assert.ok(!existsSync(join(work, "edited2")));
  });
});
