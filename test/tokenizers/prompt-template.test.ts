// fillTemplate / placeholderOffset: one "{}" replaced verbatim, anything else refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fillTemplate, placeholderOffset } from "../../src/tokenizers/index.js";

test("fillTemplate replaces the single {} verbatim", () => {
  assert.equal(fillTemplate("{} is located in", "The Eiffel Tower"), "The Eiffel Tower is located in");
  assert.equal(fillTemplate("The mother tongue of {} is", " x "), "The mother tongue of  x  is");
  assert.equal(fillTemplate("{}", "Paris"), "Paris");
  // A "$&" in the subject is text, not a replacement pattern.
  assert.equal(fillTemplate("price: {}", "$&5"), "price: $&5");
  assert.equal(placeholderOffset("ab{}cd"), 2);
});

test("templates need exactly one {}", () => {
  assert.throws(() => fillTemplate("no placeholder", "x"), /template "no placeholder" has no "{}"/);
  assert.throws(() => fillTemplate("{} and {}", "x"), /template "{} and {}" has more than one "{}"/);
  assert.throws(() => placeholderOffset("{{}}{}"), /more than one/);
});
