// The committed facts-8l results are reproducible (issue 13 §2): the first two batches of the
// proportional MEMIT run are edited again from its config.json (the same settings, with the paths
// moved to this checkout, 26 edits instead of 256 so the run stops after batch 2, and no probes or
// generations, which do not touch the batches) and each batches.jsonl line is compared with the
// committed one: the same records, and every figure (‖ΔW‖, ‖W‖, ‖W − W₀‖ per layer, compute_z's
// losses per request) within 1e-3 relative. Skips when the weights or the run are absent.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { runExperiment } from "../../src/experiment/run.js";
import type { BatchLine, ExperimentSettings } from "../../src/experiment/types.js";
import { repoRoot } from "../models/golden-helpers.js";

const RUN = join(repoRoot, "results", "facts-8l", "proportional", "memit");
const MODEL = join(repoRoot, "models", "facts-8l");
const ready = existsSync(join(RUN, "config.json")) && existsSync(join(MODEL, "model.safetensors"));

const jsonLines = (file: string): BatchLine[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as BatchLine);

/** |a − b| ≤ 1e-3 · max(1, |b|): relative for large figures, absolute below 1. */
function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-3 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs committed ${expected}`,
  );
}

test(
  "facts-8l proportional MEMIT: the first two batches re-run from config.json match batches.jsonl",
  { skip: !ready },
  async () => {
    const config = JSON.parse(readFileSync(join(RUN, "config.json"), "utf8")) as {
      settings: ExperimentSettings;
    };
    const s = config.settings;
    // The run's checkout: every path in the settings that lies under it moves to this one.
    const root = s.model.slice(0, s.model.length - "models/facts-8l".length);
    const here = (p: string) => (p.startsWith(root) ? join(repoRoot, p.slice(root.length)) : p);
    const work = mkdtempSync(join(tmpdir(), "locedit-facts-8l-"));
    after(() => rmSync(work, { recursive: true, force: true }));
    const settings: ExperimentSettings = {
      ...s,
      model: here(s.model),
      records: here(s.records),
      hparams: s.hparams === null ? null : here(s.hparams),
      corpus: [join(MODEL, "eval", "corpus.txt")],
      samples: 7917,
      // The run's statistics folder when this machine has it, else computed into a cache.
      stats: existsSync(s.stats) ? s.stats : join(repoRoot, ".locedit", "stats"),
      // A setting added after the run began (absent from its config.json) reads as not given.
      layers: s.layers ?? null,
      edits: 2 * s.batchSize,
      evalEvery: null,
      probes: [],
      skipGeneration: true,
      snippets: null,
      tfidfCorpus: [],
    };
    await runExperiment({ settings, out: join(work, "run") });
    const committed = jsonLines(join(RUN, "batches.jsonl")).slice(0, 2);
    const rerun = jsonLines(join(work, "run", "batches.jsonl"));
    assert.equal(rerun.length, 2);
    for (const [b, line] of rerun.entries()) {
      const want = committed[b];
      assert.equal(line.index, want.index);
      assert.deepEqual(line.case_ids, want.case_ids, `batch ${b + 1}: records`);
      assert.equal(line.layers.length, want.layers.length);
      for (const [i, l] of line.layers.entries()) {
        const w = want.layers[i];
        assert.equal(l.layer, w.layer);
        close(l.delta_norm, w.delta_norm, `batch ${b + 1} layer ${l.layer} ‖ΔW‖`);
        close(l.weight_norm, w.weight_norm, `batch ${b + 1} layer ${l.layer} ‖W‖`);
        close(l.shift_norm, w.shift_norm, `batch ${b + 1} layer ${l.layer} ‖W − W₀‖`);
      }
      for (const [r, req] of line.requests.entries()) {
        const wz = want.requests[r].z;
        assert.equal(req.z.length, wz.length);
        for (const [j, z] of req.z.entries()) {
          const zw = wz[j] as unknown as Record<string, number>;
          for (const key of ["loss_before", "loss_after", "nll_before", "nll_after"])
            close(
              (z as unknown as Record<string, number>)[key],
              zw[key],
              `batch ${b + 1} case ${req.case_id} ${key}`,
            );
        }
      }
    }
  },
);
