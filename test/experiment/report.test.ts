// `locedit report` on hand-made RUN folders: the metrics table in the paper's layout (one row per
// method ± BLUE, a zsRE run filling the zsRE columns of its method's row), every chart as inline
// SVG with nothing fetched from elsewhere, the same tables in Markdown, and errors naming the run
// folder, file and line.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { writeRunReport } from "../../src/experiment/report/write.js";
import type { BatchLine, ProbeLine } from "../../src/experiment/types.js";

interface Fake {
  method: string;
  blue: boolean;
  format: "counterfact" | "zsre";
  metrics: Record<string, unknown>;
  batches?: number;
  modelDir?: string;
}

function writeRun(dir: string, run: Fake): void {
  mkdirSync(dir, { recursive: true });
  const layers = run.blue ? [0, 1] : [0, 1];
  const config = {
    locedit_version: "0.1.0",
    command: `locedit experiment --method ${run.method}${run.blue ? " --blue" : ""} --format ${run.format}`,
    created: "2025-01-01T00:00:00Z",
    settings: { format: run.format, edits: 20, batchSize: 10 },
    model: { dir: run.modelDir ?? "/models/tiny-facts", fingerprint: "c5c6e130f27c0123" },
    method: run.method,
    blue: run.blue,
    variant: null,
    key_history: false,
    updated_layers: layers,
    batches: 2,
    hparams: { layers },
    hparams_source: "/models/tiny-facts/hparams/memit.json",
    context_templates: [["{}"]],
  };
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const batches: BatchLine[] = [1, 2].slice(0, run.batches ?? 2).map((index) => ({
    index,
    edits: index * 10,
    case_ids: [],
    timings_s: { statistics: 0, z: 3 * index, keys: 0.2, solve: 0.1, apply: 0.01, total: 3.4 * index },
    layers: layers.map((layer) => ({
      layer,
      weight: `h.${layer}.mlp.c_proj.weight`,
      delta_norm: 5,
      weight_norm: 18,
      shift_norm: 5 * index + layer,
    })),
    requests: [
      {
        case_id: 0,
        z: layers.slice(run.blue ? 0 : 1).map((l) => ({
          layer: l,
          loss_before: 8,
          loss_after: 0.1 * index,
          nll_before: 8,
          nll_after: 0.1,
          steps: 30,
        })),
      },
    ],
  }));
  writeFileSync(join(dir, "batches.jsonl"), batches.map((b) => JSON.stringify(b) + "\n").join(""));
  const probes: ProbeLine[] = [0, 20].map((edits, i) => ({
    edits,
    batches: i * 2,
    seconds: 1,
    probes: {
      sst2: {
        task: "sst2",
        n: 4,
        skipped: 0,
        accuracy: 0.5,
        f1: 0.5 - 0.1 * i,
        mcc: 0,
        generation: null,
        file: "sst2.json",
      },
      perplexity: {
        task: "perplexity",
        n: 100,
        skipped: 0,
        perplexity: 43 + 5 * i,
        nll: 3.7,
        tokens: 101,
        windows: 2,
        file: "t.txt",
      },
    } as never,
  }));
  writeFileSync(join(dir, "probes.jsonl"), probes.map((p) => JSON.stringify(p) + "\n").join(""));
  writeFileSync(
    join(dir, "metrics.json"),
    JSON.stringify({
      edits: 20,
      format: run.format,
      metrics: run.metrics,
      general: probes[1].probes,
      seconds: 12,
    }),
  );
}

describe("locedit report", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-report-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const cf = {
    efficacy: 90,
    generalization: 70.25,
    specificity: 97,
    fluency: 580.4,
    consistency: null,
    score: 84,
    n: 20,
    skipped: 0,
    wild: { efficacy: 85, generalization: 60, specificity: 95 },
  };
  writeRun(join(work, "memit"), { method: "memit", blue: false, format: "counterfact", metrics: cf });
  writeRun(join(work, "blue"), {
    method: "memit",
    blue: true,
    format: "counterfact",
    metrics: { ...cf, efficacy: 100 },
  });
  writeRun(join(work, "zsre"), {
    method: "memit",
    blue: false,
    format: "zsre",
    modelDir: "/elsewhere/checkout/models/tiny-facts", // the same model, run from another checkout
    metrics: { efficacy: 60, generalization: 55, specificity: 20, n: 20, skipped: 0 },
  });

  it("writes one self-contained page with every chart and the paper's table, and the Markdown twin", async () => {
    const html = join(work, "r.html");
    const md = join(work, "r.md");
    await writeRunReport([join(work, "memit"), join(work, "blue"), join(work, "zsre")], html, md);
    const page = readFileSync(html, "utf8");
    // 2 probe charts, the weight shift, compute_z before and after, the timings.
    assert.equal(page.match(/<svg/g)?.length, 6);
    assert.doesNotMatch(page, /<script|<link|<img|(src|href)="https?:|url\(https?:/);
    for (const text of [
      "sst2: F1",
      "perplexity",
      "‖W − W₀‖ per updated layer",
      "compute_z loss before",
      "editing time per stage",
    ])
      assert.ok(page.includes(text), text);
    const text = readFileSync(md, "utf8");
    // The zsRE run shares MEMIT's row; MEMIT+BLUE has its own.
    assert.match(
      text,
      /\| MEMIT \| tiny-facts \| 20 \/ 10 \| 90\.0 \| 70\.3 \| 97\.0 \| 580\.4 \| – \| 60\.0 \| 55\.0 \| 20\.0 \|/,
    );
    assert.match(text, /\| MEMIT\+BLUE \| tiny-facts \| 20 \/ 10 \| 100\.0 \|/);
    // Two runs share a label: the legend names their folders.
    assert.match(text, /MEMIT \(memit\)/);
    assert.match(text, /\| MEMIT \(memit\) \| sst2 \| F1 \| 0\.500 \| 0\.400 \|/);
    assert.ok(page.includes("MEMIT (zsre)"));
  });

  it("reports an unfinished run with what it has", async () => {
    writeRun(join(work, "partial"), {
      method: "pmet",
      blue: true,
      format: "counterfact",
      metrics: cf,
      batches: 1,
    });
    rmSync(join(work, "partial", "metrics.json"));
    const html = join(work, "p.html");
    await writeRunReport([join(work, "partial")], html);
    assert.match(readFileSync(html, "utf8"), /1 of 2 batches/);
  });

  it("names the folder, file and line of what it cannot read", async () => {
    await assert.rejects(
      writeRunReport([join(work, "none")], join(work, "x.html")),
      /none: no such run folder/,
    );
    mkdirSync(join(work, "empty"));
    await assert.rejects(
      writeRunReport([join(work, "empty")], join(work, "x.html")),
      /empty: not an experiment run folder \(no config\.json\)/,
    );
    writeRun(join(work, "bad"), { method: "memit", blue: false, format: "counterfact", metrics: cf });
    writeFileSync(join(work, "bad", "batches.jsonl"), '{"index": 1}\n');
    await assert.rejects(
      writeRunReport([join(work, "bad")], join(work, "x.html")),
      /bad\/batches\.jsonl: line 1 must have "index", "layers", "requests" and "timings_s"/,
    );
  });
});
