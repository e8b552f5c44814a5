// WikiText parsing and its train / held-out split: titles open articles, headings and blank lines
// are dropped, paragraphs kept verbatim (trimmed), every k-th article held out, and the training
// part cut at whole articles.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseWikitext, splitWikitext, trainingParagraphs } from "../../../src/data/general-text/wikitext.js";

const RAW = [
  " = Alpha = ",
  "",
  " Alpha is a letter . It comes first . ",
  "",
  " = = History = = ",
  "",
  " It was used by the Greeks @-@ and others . ",
  " = Beta = ",
  " Beta comes second . ",
  " = = = Usage = = = ",
  " = Gamma = ",
  " Gamma is third . ",
  " = Delta = ",
  " Delta is fourth . ",
  "",
].join("\n");

test("parseWikitext: articles of trimmed paragraphs, headings and blank lines dropped", () => {
  assert.deepEqual(parseWikitext(RAW), [
    {
      title: "Alpha",
      paragraphs: ["Alpha is a letter . It comes first .", "It was used by the Greeks @-@ and others ."],
    },
    { title: "Beta", paragraphs: ["Beta comes second ."] },
    { title: "Gamma", paragraphs: ["Gamma is third ."] },
    { title: "Delta", paragraphs: ["Delta is fourth ."] },
  ]);
  assert.deepEqual(parseWikitext(" text before any title \n = T = \n p \n"), [
    { title: "T", paragraphs: ["p"] },
  ]);
});

test("splitWikitext holds out every k-th article; trainingParagraphs stops at whole articles", () => {
  const articles = parseWikitext(RAW);
  const split = splitWikitext(articles, 2);
  assert.deepEqual(
    split.train.map((a) => a.title),
    ["Alpha", "Gamma"],
  );
  assert.deepEqual(
    split.heldout.map((a) => a.title),
    ["Beta", "Delta"],
  );
  assert.deepEqual(trainingParagraphs(split.train, 10), split.train[0].paragraphs);
  assert.deepEqual(trainingParagraphs(split.train, Infinity), [
    ...split.train[0].paragraphs,
    "Gamma is third .",
  ]);
  assert.deepEqual(trainingParagraphs(split.train, 0), split.train[0].paragraphs, "at least one article");
  assert.throws(() => splitWikitext(articles, 1), /heldoutEvery must be an integer ≥ 2, got 1/);
});
