// Attribute snippets: the published list layout and the nested layout give the same lookup;
// missing (relation, target) pairs give null; malformed files get errors naming entry and field.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { recordConsistency } from "../../../src/eval/consistency/consistency.js";
import {
  parseAttributeSnippets,
  snippetDocuments,
  snippetsFor,
} from "../../../src/eval/consistency/snippets.js";
import { fitTfidf, tfidfCosine } from "../../../src/eval/consistency/tfidf.js";

const LIST = [
  {
    relation_id: "P27",
    target_id: "Q183",
    samples: [
      { name: "Angela Merkel", text: "Angela Merkel is a German politician." },
      { name: "Max Planck", text: "Max Planck was a German physicist." },
    ],
  },
  {
    relation_id: "P19",
    target_id: "Q90",
    samples: [{ name: "Victor Hugo", text: "Victor Hugo was born in Besançon." }],
  },
];
const NESTED = {
  P27: { Q183: LIST[0].samples },
  P19: { Q90: LIST[1].samples },
};

describe("attribute snippets", () => {
  it("both layouts give the same lookup; absent pairs give null", () => {
    for (const json of [LIST, NESTED]) {
      const snippets = parseAttributeSnippets(json, "snips.json");
      assert.deepEqual(snippetsFor(snippets, "P27", "Q183"), LIST[0].samples);
      assert.equal(snippetsFor(snippets, "P27", "Q30"), null);
      assert.equal(snippetsFor(snippets, "P1412", "Q183"), null);
      assert.equal(snippetDocuments(snippets).length, 3);
    }
  });

  it("a record's consistency is the cosine of the joined generations and joined snippets", () => {
    const snippets = parseAttributeSnippets(LIST, "snips.json");
    const vectorizer = fitTfidf(snippetDocuments(snippets).concat(["Paris is in France."]));
    const generations = ["Zira Kudor is a German physicist.", "Zira Kudor lives in Paris."];
    const expected = tfidfCosine(
      generations.join(" "),
      "Angela Merkel is a German politician. Max Planck was a German physicist.",
      vectorizer,
    );
    assert.ok(expected > 0);
    assert.equal(recordConsistency(generations, "P27", "Q183", { snippets, vectorizer }), expected);
    assert.equal(recordConsistency(generations, "P27", "Q30", { snippets, vectorizer }), null);
  });

  it("malformed files name the entry and field", () => {
    assert.throws(() => parseAttributeSnippets("x", "s.json"), /s\.json: expected attribute snippets/);
    assert.throws(
      () => parseAttributeSnippets([{ relation_id: "P27", samples: [] }], "s.json"),
      /s\.json: entry 0: field "target_id" must be a non-empty string/,
    );
    assert.throws(
      () =>
        parseAttributeSnippets([{ relation_id: "P27", target_id: "Q1", samples: [{ name: "A" }] }], "s.json"),
      /s\.json: entry 0: field "samples\[0\]\.text" must be a string/,
    );
    assert.throws(
      () => parseAttributeSnippets({ P27: { Q1: "text" } }, "s.json"),
      /s\.json: relation "P27": field "Q1" must be an array of \{name, text\}/,
    );
  });
});
