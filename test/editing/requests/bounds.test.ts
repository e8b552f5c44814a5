// Huge input is refused before tokenising (issue 14, case 8): a 50 MB target string used to hang
// `edit` (every character was tokenised before the length check; 4 M characters took 13.7 s and
// 1.2 GB). Request fields and CounterFact record fields longer than MAX_TEXT_CHARS are an error
// naming the record and the field, at once.
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseCounterfactRecords } from "../../../src/data/counterfact/parse.js";
import { Editor } from "../../../src/editing/editor/editor.js";
import { parseRequests } from "../../../src/editing/requests/parse.js";
import { MAX_TEXT_CHARS } from "../../../src/io/text-limits.js";
import { repoRoot } from "../../models/golden-helpers.js";

const huge = "Paris ".repeat(50_000_000 / 6);

describe("input bounds", () => {
  it("a 50 MB target or prompt in a request is named at once", () => {
    const started = performance.now();
    assert.throws(
      () =>
        parseRequests(
          [
            { prompt: "{} is in", subject: "Rome", target_new: "Italy" },
            { prompt: "{} is in", subject: "Oslo", target_new: huge, case_id: 9 },
          ],
          "requests.json",
        ),
      new RegExp(
        `^Error: requests\\.json: record 1 \\(case_id 9\\): field "target_new" is ${huge.length} characters long, at most ${MAX_TEXT_CHARS} are accepted$`,
      ),
    );
    assert.throws(
      () =>
        parseRequests(
          { requested_rewrite: { prompt: `{} ${huge}`, subject: "Oslo", target_new: { str: "Norway" } } },
          "cf.json",
        ),
      /cf\.json: record 0: field "requested_rewrite\.prompt" is \d+ characters long/,
    );
    assert.ok(performance.now() - started < 2000, "refused without tokenising");
  });

  it("CounterFact records for eval are bounded the same way", () => {
    const record = {
      case_id: 4,
      pararel_idx: 0,
      requested_rewrite: {
        prompt: "{} is in",
        relation_id: "P17",
        target_new: { str: "Italy", id: "Q38" },
        target_true: { str: "France", id: "Q142" },
        subject: "Paris",
      },
      paraphrase_prompts: ["x"],
      neighborhood_prompts: [huge],
      attribute_prompts: [],
      generation_prompts: [],
    };
    assert.throws(
      () => parseCounterfactRecords([record], "records.json"),
      /records\.json: record 0 \(case_id 4\): field "neighborhood_prompts\[0\]" is \d+ characters long, at most 65536/,
    );
  });

  it("Editor.edit refuses it before tokenising", async () => {
    const editor = await Editor.fromPretrained(join(repoRoot, "models", "tiny-facts"), {
      method: "memit",
      covariance: () => new Float64Array(512 * 512),
    });
    const started = performance.now();
    await assert.rejects(
      editor.edit([{ prompt: "{} was born in", subject: "Zira Kudor", targetNew: huge }]),
      /batch 1: record 0: field "targetNew" is \d+ characters long/,
    );
    assert.ok(performance.now() - started < 2000);
  });
});
