// zsRE records as edit requests, mapped as the reference's dsets/zsre.py: prompt = src with the
// subject as "{}", target_new = " " + answers[0], id = the record's index; recognised by the
// request-file reader beside CounterFact records; bad records name the file, record and field.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  checkBatch,
  parseRequests,
  parseRequestsText,
  readRequestsFile,
} from "../../../src/editing/requests/index.js";
import { EVAL_FIXTURES } from "../../eval/golden-helpers.js";

const FIXTURE = join(EVAL_FIXTURES, "zsre.json");

describe("zsRE edit requests", () => {
  it("the request file reader maps zsRE records", () => {
    const requests = readRequestsFile(FIXTURE);
    assert.deepEqual(requests[0], {
      prompt: "What country does {} hold a passport from?",
      subject: "Zira Kudor",
      targetNew: " Nigeria",
      id: 0,
    });
    assert.equal(requests[2].targetNew, " soul");
    assert.deepEqual(checkBatch(requests, FIXTURE), []);
  });

  it("JSON Lines too; errors name the file, record and field", () => {
    const raw = JSON.parse(readFileSync(FIXTURE, "utf8")) as Record<string, unknown>[];
    const lines = raw.map((r) => JSON.stringify(r)).join("\n");
    assert.deepEqual(parseRequestsText(lines, "z.jsonl"), readRequestsFile(FIXTURE));
    assert.throws(
      () => parseRequests([raw[0], { ...raw[1], answers: [] }], "z.json"),
      /z\.json: record 1: field "answers" must be a non-empty array of strings/,
    );
  });
});
