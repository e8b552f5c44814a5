// `runDiagnostics` end to end on the bundled tiny-facts model (4 layers, critical layers [0, 1]):
// all five analyses with per-layer arrays; at the last critical layer the distributed and the
// computed δ coincide, single-layer editing gives identical results for both residuals and the
// weight shift error is exactly zero; the bound holds; a one-layer window has no weight shift
// error at all; the model is left bit for bit as it was.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readCounterfactFile } from "../../src/data/counterfact/parse.js";
import { renderDiagnoseHtml, runDiagnostics, type DiagnoseReport } from "../../src/diagnostics/index.js";
import type { CausalLM } from "../../src/models/causal-lm.js";
import { loadModel } from "../../src/models/load.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import type { Tokenizer } from "../../src/tokenizers/tokenizer.js";
import { copyParams, sameParams } from "../editing/helpers.js";
import { repoRoot } from "../models/golden-helpers.js";

const MODEL = join(repoRoot, "models", "tiny-facts");
const RECORDS = readCounterfactFile(join(MODEL, "eval", "counterfact.json"));
const TEMPLATES = [["{}"], ["The following is true. {}", "I read that. {}"]];

const lastOf = <T>(xs: readonly T[]) => xs[xs.length - 1];

describe("diagnose on tiny-facts (MEMIT, critical layers 0 and 1)", () => {
  const stats = mkdtempSync(join(tmpdir(), "locedit-diagnose-"));
  after(() => rmSync(stats, { recursive: true, force: true }));
  let model: CausalLM;
  let tokenizer: Tokenizer;
  let report: DiagnoseReport;
  let unchanged: string[];
  before(async () => {
    model = loadModel(MODEL);
    tokenizer = await loadTokenizer(MODEL);
    const original = copyParams(model);
    report = await runDiagnostics(model, tokenizer, MODEL, RECORDS, {
      method: "memit",
      count: 4,
      heldOut: 3,
      sequenceBatch: 2,
      overrides: { v_num_grad_steps: 8 },
      contextTemplates: TEMPLATES,
      stats: { dir: stats, corpus: [join(MODEL, "eval", "corpus.txt")], samples: 200 },
    });
    unchanged = sameParams(model, original);
  });

  it("writes all five analyses, each with per-layer arrays", async () => {
    const n = report.layers.length;
    assert.deepEqual(report.layers, [0, 1]);
    assert.deepEqual(report.case_ids, [0, 1, 2, 3]);
    assert.deepEqual(report.held_out_case_ids, [4, 5, 6]);
    for (const stats of [
      report.contribution.distributed,
      report.contribution.computed,
      report.delta_alignment.cos,
    ])
      assert.ok(stats.mean.length === n && stats.std.length === n);
    assert.equal(report.single_layer.computed.efficacy.length, n);
    assert.equal(report.weight_shift.by_distance.error_norm.length, n);
    assert.deepEqual(report.weight_shift.by_batch_size.batch_sizes, [1, 4]);
    assert.equal(report.weight_shift.by_sequence.batches, 2);
    assert.equal(report.weight_shift.by_sequence.cumulative_error_norm[1].length, n);
    assert.equal(report.hidden_shift.layer, 1);
    assert.ok(report.hidden_shift.blue !== null);
    const json = JSON.parse(JSON.stringify(report));
    assert.deepEqual(json, report, "every number survives JSON (no NaN or Infinity)");
    const html = await renderDiagnoseHtml(report);
    for (const heading of [
      "(a) Contribution",
      "(b) How far",
      "(c) Single-layer",
      "(d) Weight shift",
      "(e) Hidden-state",
    ])
      assert.ok(html.includes(heading), heading);
    assert.ok((html.match(/<svg/g) ?? []).length >= 10);
  });

  it("leaves the model exactly as it found it", () => {
    assert.deepEqual(unchanged, []);
  });

  it("at the last critical layer the distributed and the computed δ coincide", () => {
    const c = report.contribution;
    assert.equal(lastOf(c.share), 1);
    assert.equal(lastOf(c.distributed.mean), lastOf(c.computed.mean));
    assert.equal(lastOf(c.distributed.std), lastOf(c.computed.std));
    const a = report.delta_alignment;
    assert.equal(lastOf(a.distance.mean), 0);
    assert.equal(lastOf(a.distributed_distance.mean), 0);
    assert.ok(Math.abs(lastOf(a.cos.mean) - 1) < 1e-12);
    // earlier, the distributed δ is a fraction of δ^L and points elsewhere
    assert.equal(c.share[0], 0.5);
    assert.ok(a.cos.mean[0] < 0.999 && a.distance.mean[0] > 0);
    assert.ok(c.computed.mean[0] > c.none.mean, "δ computed at layer 0 raises p(target_new)");
  });

  it("single-layer editing at L gives identical results for both residuals", () => {
    const s = report.single_layer;
    for (const key of ["efficacy", "generalization", "update_norm"] as const)
      assert.equal(lastOf(s.computed[key]), lastOf(s.distributed[key]), key);
    assert.notEqual(s.computed.update_norm[0], s.distributed.update_norm[0]);
  });

  it("the weight shift error is zero at L on every axis, and within its bound everywhere", () => {
    const w = report.weight_shift;
    assert.deepEqual(w.distance, [1, 0]);
    const all = [w.by_distance, ...w.by_batch_size.terms];
    for (const t of all) {
      assert.equal(lastOf(t.error_norm), 0);
      assert.equal(lastOf(t.residual_gap), 0);
      assert.equal(lastOf(t.bound), 0);
      assert.ok(t.error_norm[0] > 0);
      t.error_norm.forEach((e, i) => {
        // ‖X·Q‖_F ≤ ‖X‖_F‖Q‖₂, up to float32 rounding of the solve's output
        assert.ok(
          e <= t.tight_bound[i] * (1 + 1e-5) + 1e-9,
          `tight bound at ${i}: ${e} > ${t.tight_bound[i]}`,
        );
        assert.ok(t.tight_bound[i] <= t.bound[i] * (1 + 1e-9) + 1e-9, `bound at ${i}`);
      });
    }
    for (const row of [...w.by_sequence.step_error_norm, ...w.by_sequence.cumulative_error_norm])
      assert.equal(lastOf(row), 0);
  });

  it("the edit moves the edited records' hidden states more than the others'", () => {
    const h = report.hidden_shift;
    for (const shift of [h.method, h.blue!])
      assert.ok(shift.edited_records.relative_shift.mean > shift.unedited_records.relative_shift.mean);
  });
});

describe("diagnose with a one-layer window (AlphaEdit)", () => {
  const stats = mkdtempSync(join(tmpdir(), "locedit-diagnose-"));
  after(() => rmSync(stats, { recursive: true, force: true }));

  it("has no weight shift error on any axis, and no BLUE variant", async () => {
    const model = loadModel(MODEL);
    const tokenizer = await loadTokenizer(MODEL);
    const report = await runDiagnostics(model, tokenizer, MODEL, RECORDS, {
      method: "alphaedit",
      count: 3,
      heldOut: 1,
      sequenceBatch: 1,
      overrides: { layers: [1], v_num_grad_steps: 5 },
      contextTemplates: TEMPLATES,
      stats: { dir: stats, corpus: [join(MODEL, "eval", "corpus.txt")], samples: 200 },
    });
    assert.deepEqual(report.layers, [1]);
    const w = report.weight_shift;
    for (const t of [w.by_distance, ...w.by_batch_size.terms]) assert.deepEqual(t.error_norm, [0]);
    assert.deepEqual(w.by_sequence.cumulative_error_norm, [[0], [0], [0]]);
    assert.ok(w.by_distance.own_norm[0] > 0, "the update itself is not zero");
    assert.equal(report.hidden_shift.blue, null);
    assert.equal(report.blue_hparams_source, null);
  });

  it("bad input gets a clear error", async () => {
    const model = loadModel(MODEL);
    const tokenizer = await loadTokenizer(MODEL);
    const options = { method: "memit" as const, stats: (l: number) => new Float64Array(512 * 512 * (l + 1)) };
    await assert.rejects(
      runDiagnostics(model, tokenizer, MODEL, RECORDS.slice(0, 5), { ...options, count: 5 }),
      /count 5 must leave at least one of the 5 records unedited/,
    );
    await assert.rejects(
      runDiagnostics(model, tokenizer, MODEL, RECORDS, { ...options, method: "rome" as never }),
      /method must be one of memit, pmet, alphaedit, got 'rome'/,
    );
    assert.ok(readFileSync(join(MODEL, "config.json")).length > 0);
  });
});
