// Reading a corpus spec: a valid file round-trips; each bad field is one error naming the file and
// the field.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { parseCorpusSpec, readCorpusSpec } from "../../../src/data/world/spec-file.js";

const scratch = mkdtempSync(join(tmpdir(), "locedit-spec-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const valid = {
  seed: 3,
  subjects: 100,
  biographiesPerSubject: 1,
  narrativesPerSubject: 1,
  questions: true,
  fillerSentences: 10,
  eval: {
    records: 10,
    tuningRecords: 2,
    retentionRecords: 2,
    snippetsPerObject: 1,
    statisticsWikitextParagraphs: 0,
  },
};

test("a valid spec file reads back as written", () => {
  const file = join(scratch, "spec.json");
  writeFileSync(file, JSON.stringify(valid));
  assert.deepEqual(readCorpusSpec(file), valid);
});

test("bad fields, unknown fields, bad JSON and a missing file are named", () => {
  const bad = (patch: Record<string, unknown>) => parseCorpusSpec({ ...valid, ...patch }, "s.json");
  assert.throws(() => bad({ subjects: 10 }), /^Error: s\.json: 'subjects' must be an integer ≥ 70$/);
  assert.throws(() => bad({ questions: "yes" }), /s\.json: 'questions' must be true or false/);
  assert.throws(() => bad({ relations: [19] }), /s\.json: 'relations' must be a list of relation ids/);
  assert.throws(
    () => bad({ wikitext: { file: "w", heldoutEvery: 1, trainChars: 5 } }),
    /'wikitext\.heldoutEvery'/,
  );
  assert.throws(
    () => bad({ eval: { ...valid.eval, records: -1 } }),
    /'eval\.records' must be an integer ≥ 0/,
  );
  assert.throws(
    () => bad({ seeds: 1 }),
    /s\.json: 'seeds' must be one of the spec's fields \(unknown field\)/,
  );
  const broken = join(scratch, "broken.json");
  writeFileSync(broken, "{");
  assert.throws(() => readCorpusSpec(broken), /broken\.json: not valid JSON/);
  assert.throws(
    () => readCorpusSpec(join(scratch, "none.json")),
    /none\.json: cannot read the corpus spec \(ENOENT\)/,
  );
});
