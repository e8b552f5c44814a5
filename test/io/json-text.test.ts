// Tests for src/io/json-text.ts: the scanner agrees with JSON.parse on validity and points at
// the first offending character.
import { test } from "node:test";
import assert from "node:assert/strict";
import { findJsonSyntaxError, parseJsonText } from "../../src/io/json-text.js";
import { errorMessage } from "./fixtures.js";

test("valid JSON has no error position and parses like JSON.parse", () => {
  const valid = ['{"a": [1, -2.5e3, true, false, null, "x\\u00e9\\n"], "b": {}}', "[]", " 0 ", '"\\/"'];
  for (const text of valid) {
    assert.equal(findJsonSyntaxError(text), null, text);
    assert.deepEqual(parseJsonText(text, "x.json"), JSON.parse(text));
  }
});

test("the first syntax error is located", () => {
  const cases: [string, number][] = [
    ['{"a":\n }', 7],
    ['{"a": 1', 7],
    ['{"a" 1}', 5],
    ["", 0],
    ['{"a":1}x', 7],
    ['{"a":1,}', 7],
    ["[01]", 2],
    ['{"a": tru}', 6],
    ['"\\x"', 2],
    ["-", 0],
    ['{"a": "\u0001"}', 7],
  ];
  for (const [text, offset] of cases) {
    assert.throws(() => JSON.parse(text));
    assert.equal(findJsonSyntaxError(text), offset, JSON.stringify(text));
  }
});

test("parseJsonText names the source, line and column", () => {
  const message = errorMessage(() => parseJsonText('{\n  "n_embd": 768,\n  "n_head": }', "gpt2/config.json"));
  assert.match(message, /^gpt2\/config\.json: invalid JSON at line 3, column 13: /);
});
