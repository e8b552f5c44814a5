// A run's state and its JSON Lines: saved state loads back value for value (ΣΔW in F32, key Grams
// and projectors in F64), progress.json names the one batch file kept (older ones and temporary
// files of a killed write are removed), and a resumed run keeps exactly the counted lines of
// batches.jsonl / probes.jsonl, dropping a line cut short by a kill.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { EditorState } from "../../src/editing/editor/editor.js";
import { loadRunState, saveRunState } from "../../src/experiment/state.js";
import { appendJsonLine, keepJsonLines, readJsonLines } from "../../src/experiment/jsonl.js";
import { createRng } from "../../src/util/random.js";

function editorState(seed: number): EditorState {
  const rng = createRng(seed);
  return {
    resolved: { method: "alphaedit", hparams: { layers: [2, 3] } as never, source: "derived" },
    contextTemplates: [["{}"], ["The cat. {}"]],
    history: [],
    deltas: new Map([
      ["h.2.mlp.c_proj.weight", { rows: 3, cols: 4, data: rng.fillNormal(new Float32Array(12)) }],
    ]),
    keyGrams: new Map([[2, rng.fillNormal(new Float64Array(16))]]),
    projectors: new Map([[3, rng.fillNormal(new Float64Array(16))]]),
  };
}

describe("run state", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-state-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("loads back what was saved, value for value, and keeps only the current batch file", () => {
    const run = join(work, "run");
    assert.equal(loadRunState(run), null);
    saveRunState(run, { batches_done: 1, edits_done: 4, probe_evaluations: 2, seconds: 3.5 }, editorState(1));
    writeFileSync(join(run, "state", "batch-000002.safetensors.tmp-123-abcd"), "half a file");
    const state = editorState(2);
    saveRunState(run, { batches_done: 2, edits_done: 8, probe_evaluations: 2, seconds: 7 }, state);
    assert.deepEqual(readdirSync(join(run, "state")).sort(), [
      "batch-000002.safetensors",
      "progress.json",
      "projectors.safetensors",
    ]);
    const loaded = loadRunState(run)!;
    assert.equal(loaded.progress.batches_done, 2);
    assert.equal(loaded.progress.edits_done, 8);
    assert.equal(loaded.progress.seconds, 7);
    assert.deepEqual(loaded.editor.contextTemplates, state.contextTemplates);
    assert.deepEqual(loaded.editor.resolved, state.resolved);
    assert.deepEqual(loaded.editor.deltas, state.deltas);
    assert.deepEqual(loaded.editor.keyGrams, state.keyGrams);
    // The projectors were written with the first state (they depend on C0 only) and kept.
    assert.deepEqual(loaded.editor.projectors, editorState(1).projectors);
  });

  it("a state before the first batch has no tensors", () => {
    const run = join(work, "fresh");
    const empty = { ...editorState(3), deltas: new Map(), keyGrams: new Map(), projectors: new Map() };
    saveRunState(run, { batches_done: 0, edits_done: 0, probe_evaluations: 1, seconds: 1 }, empty);
    const loaded = loadRunState(run)!;
    assert.equal(loaded.progress.tensors, null);
    assert.equal(loaded.editor.deltas.size, 0);
  });

  it("refuses a progress file of another version, naming it", () => {
    const run = join(work, "old");
    saveRunState(run, { batches_done: 0, edits_done: 0, probe_evaluations: 0, seconds: 0 }, editorState(4));
    const path = join(run, "state", "progress.json");
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, "utf8")), version: 9 }));
    assert.throws(() => loadRunState(run), /progress\.json: not a locedit run state of version 1/);
  });
});

describe("JSON Lines of a run", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-jsonl-"));
  after(() => rmSync(work, { recursive: true, force: true }));

  it("keeps the counted lines and drops a line cut short", () => {
    const path = join(work, "batches.jsonl");
    for (const index of [1, 2, 3]) appendJsonLine(path, { index });
    writeFileSync(path, readFileSync(path, "utf8") + '{"index": 4, "la');
    keepJsonLines(path, 3, "batches");
    assert.deepEqual(readJsonLines(path), [{ index: 1 }, { index: 2 }, { index: 3 }]);
    keepJsonLines(path, 1, "batches");
    assert.deepEqual(readJsonLines(path), [{ index: 1 }]);
  });

  it("a file with fewer lines than the state counts is an error naming it", () => {
    const path = join(work, "probes.jsonl");
    appendJsonLine(path, { edits: 0 });
    assert.throws(
      () => keepJsonLines(path, 2, "probe evaluations"),
      /probes\.jsonl: holds 1 complete lines, but the run's state counts 2 probe evaluations/,
    );
    keepJsonLines(join(work, "new.jsonl"), 0, "batches");
    assert.deepEqual(readJsonLines(join(work, "new.jsonl")), []);
  });

  it("a bad line is named with its number", () => {
    const path = join(work, "bad.jsonl");
    writeFileSync(path, '{"a": 1}\n{oops}\n');
    assert.throws(() => readJsonLines(path), /bad\.jsonl: line 2: invalid JSON/);
  });
});
