// The bundled models/facts-8l model: its eval/ folder is the generator's output for the spec in
// eval/spec.json, file by file (the WikiText and real-fact files, and the statistics corpus that
// mixes in WikiText, only when ../shared/data is present), and the model, loaded with loadModel +
// loadTokenizer, still knows a fixed sample of its facts: 300 world probes (every k-th of all of
// them), ≥ 97% of the trained-phrasing ones and ≥ 90% of the held-out pairs (the full check,
// recorded in training.json, is ≥ 99% and ≥ 95%).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { readCounterfactFile } from "../../src/data/counterfact/parse.js";
import { buildFactCorpus, corpusProbes } from "../../src/data/world/corpus-spec.js";
import { readZsreFile } from "../../src/data/zsre/records.js";
import { readAttributeSnippets, snippetsFor } from "../../src/eval/consistency/snippets.js";
import { evalFolderFiles } from "../../src/data/world/eval-folder.js";
import { readCorpusSpec } from "../../src/data/world/spec-file.js";
import { loadModel } from "../../src/models/load.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { knowledgeAccuracy } from "../../src/training/knowledge.js";
import { repoRoot } from "../models/golden-helpers.js";

const DIR = join(repoRoot, "models", "facts-8l");
const spec = readCorpusSpec(join(DIR, "eval", "spec.json"));
const corpus = buildFactCorpus(spec, repoRoot);
const haveWeights = existsSync(join(DIR, "model.safetensors"));
/** Files that depend on ../shared/data (absent from the regenerated set when it is). */
const SHARED_FILES = ["train-wikitext.txt", "perplexity.txt", "train-real.txt", "real-facts.json"];

test("facts-8l: eval/ is the generator's output for eval/spec.json", () => {
  const expected = evalFolderFiles(corpus);
  const sharedPresent = corpus.notes.length === 0;
  for (const [name, text] of Object.entries(expected)) {
    if (!sharedPresent && name === "corpus.txt") continue; // mixes in WikiText paragraphs
    assert.equal(readFileSync(join(DIR, "eval", name), "utf8"), text, `eval/${name}`);
  }
  if (sharedPresent) for (const name of SHARED_FILES) assert.ok(name in expected, name);
});

test("facts-8l: eval/ records and snippets read through locedit's own CounterFact, zsRE and snippet readers", () => {
  const at = (name: string) => join(DIR, "eval", name);
  const records = readCounterfactFile(at("counterfact.json"));
  assert.ok(records.length >= 2000);
  for (const name of ["counterfact-tuning.json", "counterfact-retention.json"])
    assert.ok(readCounterfactFile(at(name)).length > 0, name);
  const zsre = readZsreFile(at("zsre.json"));
  assert.equal(zsre.length, records.length);
  zsre.forEach((z, i) => {
    assert.equal(z.subject, records[i].requested_rewrite.subject);
    assert.equal(z.targetNew, records[i].requested_rewrite.target_new.str);
  });
  const snippets = readAttributeSnippets(at("attribute_snippets.json"));
  const covered = records.filter((r) =>
    snippetsFor(snippets, r.requested_rewrite.relation_id, r.requested_rewrite.target_new.id),
  );
  assert.equal(covered.length, records.length, "every record's new target has snippets");
});

test(
  "facts-8l: trained on eval/spec.json; the recorded knowledge check passed",
  { skip: !haveWeights },
  () => {
    const training = JSON.parse(readFileSync(join(DIR, "training.json"), "utf8"));
    assert.match(training.command, /^locedit train --world-spec models\/facts-8l\/eval\/spec\.json /);
    assert.deepEqual(training.data.spec, spec);
    assert.equal(training.model.layers >= 8 && training.model.ffn >= 1024, true);
    assert.ok(training.knowledge.groups, "knowledge per relation");
  },
);

test(
  "facts-8l: knows a sample of 300 world probes (≥ 97% trained, ≥ 90% held-out)",
  { skip: !haveWeights },
  async () => {
    const model = loadModel(DIR);
    const tokenizer = await loadTokenizer(DIR);
    const world = corpusProbes(corpus).filter((p) => p.group.startsWith("world/"));
    const stride = Math.floor(world.length / 300);
    const sample = world.filter((_, i) => i % stride === 0).slice(0, 300);
    const report = knowledgeAccuracy(model, (text) => tokenizer.encode(text), sample, {
      padId: tokenizer.padTokenId,
    });
    assert.equal(report.train.total + report.heldout.total, 300);
    assert.ok(report.train.accuracy >= 0.97, `train ${report.train.correct}/${report.train.total}`);
    assert.ok(report.heldout.accuracy >= 0.9, `held-out ${report.heldout.correct}/${report.heldout.total}`);
  },
);
