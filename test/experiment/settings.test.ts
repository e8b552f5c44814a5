// The settings of a run: the records it edits (the first N, or N drawn with a seed: distinct,
// reproducible), errors naming the flag for settings no run can have, and a resumed run given other
// flags than it began with refused with the flag named.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkSameSettings } from "../../src/experiment/config.js";
import { chooseRecords } from "../../src/experiment/records.js";
import { checkSettings } from "../../src/experiment/run.js";
import type { ExperimentSettings } from "../../src/experiment/types.js";

const SETTINGS: ExperimentSettings = {
  model: "/m",
  method: "memit",
  blue: false,
  variant: null,
  records: "/r.json",
  format: "counterfact",
  edits: 60,
  batchSize: 10,
  evalEvery: 2,
  probes: ["sst2=/p.json"],
  probeStart: 0,
  probeLimit: null,
  hparams: null,
  stats: "/s",
  corpus: [],
  samples: null,
  seed: null,
  skipGeneration: false,
  snippets: null,
  tfidfVocab: null,
  idf: null,
  tfidfCorpus: [],
  batchRows: 64,
};

describe("experiment settings", () => {
  it("picks the first N records, or N distinct ones drawn with a seed", () => {
    assert.deepEqual(chooseRecords(10, 4, null), [0, 1, 2, 3]);
    const drawn = chooseRecords(100, 30, 5);
    assert.equal(new Set(drawn).size, 30);
    assert.ok(drawn.every((i) => i >= 0 && i < 100));
    assert.deepEqual(chooseRecords(100, 30, 5), drawn);
    assert.notDeepEqual(chooseRecords(100, 30, 6), drawn);
    assert.deepEqual([...chooseRecords(5, 5, 1)].sort(), [0, 1, 2, 3, 4]);
    assert.throws(() => chooseRecords(10, 11, null), /--edits 11: the file holds only 10 records/);
  });

  it("refuses settings no run can have, naming the flag", () => {
    assert.doesNotThrow(() => checkSettings(SETTINGS));
    assert.throws(() => checkSettings({ ...SETTINGS, batchSize: 0 }), /--batch-size must be an integer ≥ 1/);
    assert.throws(() => checkSettings({ ...SETTINGS, method: "rome", blue: true }), /--blue applies to/);
    assert.throws(
      () => checkSettings({ ...SETTINGS, method: "alphaedit", variant: "rect" }),
      /--variant: the rect variant applies to memit and pmet, not alphaedit/,
    );
    assert.throws(
      () => checkSettings({ ...SETTINGS, format: "zsre", snippets: "/s.json" }),
      /--snippets: consistency is a CounterFact metric/,
    );
  });

  it("a resumed run must be given the flags it began with", () => {
    assert.doesNotThrow(() => checkSameSettings("RUN", SETTINGS, { ...SETTINGS }));
    assert.throws(
      () => checkSameSettings("RUN", SETTINGS, { ...SETTINGS, batchSize: 5 }),
      /RUN holds a run started with --batch-size 10, not 5/,
    );
    assert.throws(
      () => checkSameSettings("RUN", SETTINGS, { ...SETTINGS, blue: true }),
      /--blue false, not true/,
    );
    assert.throws(
      () => checkSameSettings("RUN", SETTINGS, { ...SETTINGS, probes: [] }),
      /--probe sst2=\/p\.json, not \(none\)/,
    );
    assert.throws(
      () => checkSameSettings("RUN", SETTINGS, { ...SETTINGS, seed: 3 }),
      /--seed \(not given\), not 3/,
    );
  });
});
