// CounterFact record validation: the bundled file reads back as the world wrote it, and each kind
// of bad record fails with an error naming the source, record index, case_id and field.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseCounterfactRecords, readCounterfactFile } from "../../../src/data/counterfact/parse.js";
import { repoRoot } from "../../models/golden-helpers.js";

const FILE = join(repoRoot, "models", "tiny-facts", "eval", "counterfact.json");

function goodRecord(caseId = 3): Record<string, unknown> {
  return {
    case_id: caseId,
    pararel_idx: 11,
    requested_rewrite: {
      prompt: "{} plays the",
      relation_id: "P1303",
      target_new: { str: "piano", id: "Q5994" },
      target_true: { str: "violin", id: "Q8355" },
      subject: "Ann Smith",
    },
    paraphrase_prompts: ["Ann Smith is a musician who plays the"],
    neighborhood_prompts: ["Bob Jones plays the"],
    attribute_prompts: ["Cyd Moor plays the"],
    generation_prompts: ["Ann Smith is known for"],
  };
}

/** A good record with `edit` applied, in a list after one good record (so its index is 1). */
function errorOf(edit: (r: Record<string, unknown>) => void): string {
  const bad = goodRecord(9);
  edit(bad);
  try {
    parseCounterfactRecords([goodRecord(), bad], "test.json");
  } catch (error) {
    return (error as Error).message;
  }
  assert.fail("expected the records to be rejected");
}

const rewrite = (r: Record<string, unknown>) => r.requested_rewrite as Record<string, unknown>;

describe("readCounterfactFile", () => {
  it("reads the bundled tiny-facts records unchanged", () => {
    const records = readCounterfactFile(FILE);
    assert.equal(records.length, 200);
    assert.deepEqual(records, JSON.parse(readFileSync(FILE, "utf8")));
  });

  it("accepts a good record and keeps pararel_idx; numeric target ids become strings", () => {
    const r = goodRecord();
    (rewrite(r).target_new as Record<string, unknown>).id = 5994;
    const [record] = parseCounterfactRecords([r]);
    assert.equal(record.pararel_idx, 11);
    assert.equal(record.requested_rewrite.target_new.id, "5994");
    assert.deepEqual(record.paraphrase_prompts, ["Ann Smith is a musician who plays the"]);
  });

  it("names the record, case_id and field of each fault", () => {
    assert.match(
      errorOf((r) => delete r.neighborhood_prompts),
      /^test\.json: record 1 \(case_id 9\): field "neighborhood_prompts" must be an array of strings, got nothing \(the field is missing\)$/,
    );
    assert.match(
      errorOf((r) => (r.paraphrase_prompts = ["ok", 4])),
      /record 1 \(case_id 9\): field "paraphrase_prompts\[1\]" must be a non-empty string, got number 4/,
    );
    assert.match(
      errorOf((r) => (rewrite(r).prompt = "plays the")),
      /record 1 \(case_id 9\): field "requested_rewrite.prompt": .*has no "\{\}"/,
    );
    assert.match(
      errorOf((r) => (rewrite(r).prompt = "{} and {}")),
      /more than one "\{\}"/,
    );
    assert.match(
      errorOf((r) => delete rewrite(r).subject),
      /field "requested_rewrite.subject" must be a non-empty string/,
    );
    assert.match(
      errorOf((r) => (rewrite(r).target_true = "violin")),
      /field "requested_rewrite.target_true" must be an object/,
    );
    assert.match(
      errorOf((r) => ((rewrite(r).target_new as Record<string, unknown>).str = "")),
      /field "requested_rewrite.target_new.str" must be a non-empty string, got string ""/,
    );
    assert.match(
      errorOf((r) => ((rewrite(r).target_new as Record<string, unknown>).str = "violin")),
      /record 1 \(case_id 9\): .*target_new.str" equals target_true.str \("violin"\)/,
    );
    assert.match(
      errorOf((r) => delete r.requested_rewrite),
      /field "requested_rewrite" must be an object, got nothing/,
    );
    assert.match(
      errorOf((r) => (r.case_id = "9")),
      /^test\.json: record 1: field "case_id" must be an integer ≥ 0, got string "9"$/,
    );
    assert.match(
      errorOf((r) => (r.case_id = 3)),
      /record 1 repeats case_id 3 of record 0/,
    );
  });

  it("rejects a file that is not an array, invalid JSON and a missing file, naming the path", () => {
    assert.throws(
      () => parseCounterfactRecords({ records: [] }, "x.json"),
      /^Error: x\.json: expected a JSON array of CounterFact records, got an object$/,
    );
    assert.throws(
      () => parseCounterfactRecords([null], "x.json"),
      /x\.json: record 0: expected an object, got null/,
    );
    const dir = mkdtempSync(join(tmpdir(), "locedit-cf-"));
    try {
      const broken = join(dir, "broken.json");
      writeFileSync(broken, '[{"case_id": 0,}]');
      assert.throws(() => readCounterfactFile(broken), new RegExp(`${broken}: invalid JSON at line 1`));
      assert.throws(
        () => readCounterfactFile(join(dir, "none.json")),
        /none\.json: cannot read CounterFact records: no such file or folder \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
