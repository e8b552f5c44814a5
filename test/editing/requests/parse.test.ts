// Tests for src/editing/requests/parse.ts: CounterFact records, the flat form (template or subject
// written out, snake or camel case), JSON arrays and JSON Lines, target normalisation, and an
// error naming the record and the field for each kind of bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  parseRequests,
  parseRequestsText,
  promptTemplate,
  readRequestsFile,
} from "../../../src/editing/requests/index.js";

const counterfact = {
  case_id: 0,
  pararel_idx: 2796,
  requested_rewrite: {
    prompt: "The mother tongue of {} is",
    relation_id: "P103",
    target_new: { str: "English", id: "Q1860" },
    target_true: { str: "French", id: "Q150" },
    subject: "Danielle Darrieux",
  },
  paraphrase_prompts: ["Shayna does this and Yossel goes still and dies. Danielle Darrieux, a native"],
  neighborhood_prompts: ["The mother tongue of Léon Blum is"],
  attribute_prompts: ["J.\u00a0R.\u00a0R. Tolkien is a native speaker of"],
  generation_prompts: ["Danielle Darrieux's mother tongue is"],
};

test("a CounterFact record becomes a request with leading-space targets and its case id", () => {
  assert.deepEqual(parseRequests([counterfact], "cf.json"), [
    {
      prompt: "The mother tongue of {} is",
      subject: "Danielle Darrieux",
      targetNew: " English",
      targetTrue: " French",
      id: 0,
    },
  ]);
});

test("the flat form: template or subject written out, snake or camel case, string or {str} targets", () => {
  const [a, b, c, d] = parseRequests(
    [
      { prompt: "{} was born in", subject: "Ada Lovelace", target_new: "Paris" },
      {
        prompt: "Ada Lovelace was born in",
        subject: "Ada Lovelace",
        targetNew: " Rome",
        targetTrue: "London",
      },
      { prompt: "Born in London, Ada met Ada", subject: "Ada", target_new: { str: "x" }, id: "custom" },
      { prompt: "x {} y", subject: "s", target_new: "\tTab", case_id: "c-7" },
    ],
    "flat.json",
  );
  assert.deepEqual(a, { prompt: "{} was born in", subject: "Ada Lovelace", targetNew: " Paris", id: 0 });
  assert.deepEqual(b, {
    prompt: "{} was born in",
    subject: "Ada Lovelace",
    targetNew: " Rome",
    targetTrue: " London",
    id: 1,
  });
  assert.equal(c.prompt, "Born in London, {} met Ada", "only the first occurrence becomes the placeholder");
  assert.equal(c.id, "custom");
  assert.equal(d.targetNew, "\tTab", "a target that already starts with whitespace is kept");
  assert.equal(d.id, "c-7");
  // One record on its own (not in an array) is accepted too.
  assert.equal(parseRequests({ prompt: "{} is", subject: "s", target_new: "t" }, "one.json").length, 1);
});

test("parseRequestsText: JSON array, single JSON object, JSON Lines with blank lines", () => {
  const flat = (n: number) => ({ prompt: "{} lives in", subject: `S${n}`, target_new: `T${n}` });
  assert.equal(parseRequestsText(JSON.stringify([flat(1), counterfact], null, 2), "a.json").length, 2);
  assert.equal(parseRequestsText(JSON.stringify(flat(1), null, 2), "o.json").length, 1);
  const lines = [flat(1), counterfact, flat(2)].map((r) => JSON.stringify(r)).join("\n\n") + "\n";
  const requests = parseRequestsText(lines, "r.jsonl");
  assert.deepEqual(
    requests.map((r) => [r.subject, r.id]),
    [
      ["S1", 0],
      ["Danielle Darrieux", 0],
      ["S2", 2],
    ],
  );
});

test("JSON Lines errors name the line; JSON errors name line and column", () => {
  const good = JSON.stringify({ prompt: "{} is", subject: "s", target_new: "t" });
  assert.throws(
    () => parseRequestsText(`${good}\n{"prompt": "{} is", "subject": }\n`, "r.jsonl"),
    /r\.jsonl: line 2: invalid JSON at line 1, column \d+/,
  );
  assert.throws(
    () =>
      parseRequestsText(
        `${good}\n${JSON.stringify({ prompt: "{} is", subject: "", target_new: "t" })}`,
        "r.jsonl",
      ),
    /^Error: r\.jsonl: line 2: field "subject" must be a non-empty string, got ""$/,
  );
  assert.throws(() => parseRequestsText("[\n  {},\n  oops\n]", "a.json"), /a\.json: invalid JSON at line 3/);
  assert.throws(
    () => parseRequestsText("  \n", "empty.json"),
    /empty\.json: no requests \(the file is empty\)/,
  );
  assert.throws(() => parseRequestsText("[]", "none.json"), /none\.json: no requests \(an empty array\)/);
});

test("each bad record is named by index and case id, with the field at fault", () => {
  const rewrite = counterfact.requested_rewrite;
  const withRewrite = (change: Record<string, unknown>) => ({
    ...counterfact,
    case_id: 17,
    requested_rewrite: { ...rewrite, ...change },
  });
  const cases: Array<[unknown, RegExp]> = [
    [
      withRewrite({ subject: "" }),
      /^Error: f\.json: record 1 \(case_id 17\): field "requested_rewrite\.subject" must be a non-empty string, got ""$/,
    ],
    [
      withRewrite({ subject: " Danielle" }),
      /field "requested_rewrite\.subject" must not start or end with whitespace/,
    ],
    [
      withRewrite({ prompt: "{} and {} are" }),
      /field "requested_rewrite\.prompt" has 2 "\{\}" placeholders; exactly one marks the subject/,
    ],
    [
      withRewrite({ prompt: "The language of Bob is" }),
      /field "requested_rewrite\.prompt" contains neither "\{\}" nor the subject "Danielle Darrieux"/,
    ],
    [withRewrite({ prompt: "{} speaks {0}" }), /may contain braces only as the one "\{\}" placeholder/],
    [
      withRewrite({ target_new: { str: "  " } }),
      /field "requested_rewrite\.target_new\.str" must be a non-empty string, got " {2}"/,
    ],
    [
      withRewrite({ target_new: { id: "Q1" } }),
      /field "requested_rewrite\.target_new\.str" must be a non-empty string, got undefined/,
    ],
    [withRewrite({ target_new: undefined }), /field "requested_rewrite\.target_new" is required/],
    [
      withRewrite({ target_new: { str: "French" } }),
      /field "requested_rewrite\.target_new\.str" equals "requested_rewrite\.target_true\.str" \(" French"\): nothing to edit/,
    ],
    [
      { ...counterfact, case_id: 17, requested_rewrite: "x" },
      /record 1 \(case_id 17\): field "requested_rewrite" must be an object/,
    ],
    [
      { prompt: "{} is", subject: "s", target_new: "a", targetNew: "b", id: 9 },
      /record 1 \(id 9\): fields "target_new" and "targetNew" disagree: "a" vs "b"/,
    ],
    [
      { prompt: "{} is", subject: "s", target: "a" },
      /record 1: unknown field "target"; targets are given as "target_new", "targetNew"/,
    ],
    [{ prompt: "{} is", subject: "s", target_ture: "a", target_new: "b" }, /unknown field "target_ture"/],
    [{ prompt: "{} is", subject: "s" }, /record 1: field "target_new" is required \(the new object\)/],
    [
      { prompt: "s is", subject: "s", target_new: "x", target_true: " x" },
      /field "target_new" equals "target_true" \(" x"\)/,
    ],
    [{ prompt: 5, subject: "s", target_new: "x" }, /field "prompt" must be a non-empty string, got 5/],
    [
      { prompt: "{} is", subject: "s", target_new: "x", case_id: [1] },
      /field "case_id" must be a number or a string, got \[1\]/,
    ],
    [
      "just text",
      /^Error: f\.json: record 1: must be a JSON object \(a CounterFact record or \{prompt, subject, target_new\}\), got "just text"$/,
    ],
  ];
  for (const [bad, pattern] of cases)
    assert.throws(() => parseRequests([counterfact, bad], "f.json"), pattern, JSON.stringify(bad));
});

test("promptTemplate on its own", () => {
  assert.equal(promptTemplate("The capital of France is", "France"), "The capital of {} is");
  assert.equal(promptTemplate("{}", "x"), "{}");
  assert.throws(() => promptTemplate("{}{}", "x"), /has 2 "\{\}" placeholders/);
});

test("readRequestsFile reads JSON Lines and names a missing file", () => {
  const dir = mkdtempSync(join(tmpdir(), "locedit-requests-"));
  try {
    const file = join(dir, "edits.jsonl");
    writeFileSync(
      file,
      `${JSON.stringify(counterfact)}\n${JSON.stringify({ ...counterfact, case_id: 5 })}\n`,
    );
    assert.deepEqual(
      readRequestsFile(file).map((r) => r.id),
      [0, 5],
    );
    assert.throws(
      () => readRequestsFile(join(dir, "nope.json")),
      /nope\.json: cannot read the request file: no such file or folder \(ENOENT\)/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
