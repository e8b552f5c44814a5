// Tests for src/editing/requests/batch.ts: conflicting targets for the same subject and prompt,
// repeats, and malformed requests built by hand.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkBatch, parseRequests, type EditRequest } from "../../../src/editing/requests/index.js";

const base: EditRequest = { prompt: "{} was born in", subject: "Ada", targetNew: " Paris", id: 0 };

test("a well-formed batch passes with no warnings", () => {
  const batch = parseRequests(
    [
      { prompt: "{} was born in", subject: "Ada", target_new: "Paris" },
      { prompt: "{} died in", subject: "Ada", target_new: "Rome" },
      { prompt: "{} was born in", subject: "Bob", target_new: "Rome" },
    ],
    "b.json",
  );
  assert.deepEqual(checkBatch(batch), []);
});

test("the same subject and prompt with different targets is an error naming both requests", () => {
  const spelled = parseRequests(
    [
      { prompt: "{} was born in", subject: "Ada", target_new: "Paris", case_id: 11 },
      { prompt: "Ada was born in", subject: "Ada", target_new: "Rome", case_id: 12 },
    ],
    "b.json",
  );
  assert.throws(
    () => checkBatch(spelled, "b.json"),
    /^Error: b\.json: request 0 \(id 11\) and request 1 \(id 12\) both rewrite "Ada was born in" \(subject "Ada"\) but to different targets: " Paris" and " Rome"$/,
  );
});

test("exact repeats are warnings; equal filled prompts with different subjects are not conflicts", () => {
  assert.deepEqual(checkBatch([base, { ...base, id: 1 }]), ["requests: request 1 repeats request 0"]);
  const a: EditRequest = { prompt: "{} Hilton", subject: "Paris", targetNew: " x" };
  const b: EditRequest = { prompt: "{}", subject: "Paris Hilton", targetNew: " y" };
  assert.deepEqual(checkBatch([a, b]), []);
});

test("hand-built requests are checked like parsed ones", () => {
  const cases: Array<[Partial<EditRequest>, RegExp]> = [
    [
      { targetNew: "Paris" },
      /request 0: field "targetNew" must start with a space, as the model reads it \(" Paris"\); parseRequests adds it/,
    ],
    [{ targetTrue: "Rome" }, /field "targetTrue" must start with a space/],
    [{ targetTrue: " Paris" }, /field "targetNew" equals "targetTrue" \(" Paris"\): nothing to edit/],
    [
      { prompt: "Ada was born in" },
      /field "prompt" must be a template with exactly one "\{\}" \(use parseRequests\)/,
    ],
    [{ prompt: "{} and {}" }, /exactly one "\{\}"/],
    [{ prompt: "{} is {x}" }, /may contain braces only as the one "\{\}" placeholder/],
    [{ subject: "" }, /field "subject" must be a non-empty string, got ""/],
    [{ subject: "Ada " }, /field "subject" must not start or end with whitespace/],
    [{ targetNew: " " }, /field "targetNew" must be a non-empty string/],
  ];
  for (const [change, pattern] of cases)
    assert.throws(() => checkBatch([{ ...base, ...change }]), pattern, JSON.stringify(change));
  assert.throws(() => checkBatch([], "edits.json"), /edits\.json: the batch has no requests/);
  assert.throws(() => checkBatch([{ ...base, id: "c9", targetNew: "x" }]), /request 0 \(id "c9"\)/);
});
