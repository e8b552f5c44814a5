// The bundled models/tiny-facts model: it loads with loadModel + loadTokenizer, and on the fact
// world it was trained on (regenerated from the seed in its training.json) it knows ≥ 95% of the
// facts in phrasings trained for their subjects and ≥ 80% of the held-out (subject, phrasing)
// pairs, measured on all of the world's probes (7,600; about 5 s). Its eval/ files are writeWorld's
// output for that world (200 CounterFact records, statistics corpus, world.json, train.txt), byte
// for byte — so a change to the world generator that would make the model stale fails here.
import assert from "node:assert/strict";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import {
  counterfactRecords,
  generateWorld,
  worldKnowledgeProbes,
  worldJson,
  worldStatisticsCorpus,
  worldTrainingDocuments,
} from "../../src/data/world/index.js";
import { loadModel } from "../../src/models/load.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { knowledgeAccuracy } from "../../src/training/knowledge.js";
import { repoRoot } from "../models/golden-helpers.js";

const DIR = join(repoRoot, "models", "tiny-facts");
/** CounterFact records in eval/counterfact.json (seed: the world's seed). */
const EVAL_RECORDS = 200;

interface TrainingJson {
  command: string;
  seed: number;
  data: { kind: string; seed: number; subjects: number; facts: number };
  knowledge: { train: { accuracy: number }; heldout: { accuracy: number } };
}

const training = JSON.parse(readFileSync(join(DIR, "training.json"), "utf8")) as TrainingJson;
const world = generateWorld(training.data.seed, { subjects: training.data.subjects });

test("tiny-facts: trained on the recorded world, within 10 MB", () => {
  assert.equal(training.data.kind, "world");
  assert.equal(training.data.facts, world.facts.length);
  assert.match(training.command, /^locedit train --world \d+ /);
  assert.ok(statSync(join(DIR, "model.safetensors")).size <= 10 * 1024 * 1024);
  assert.ok(training.knowledge.train.accuracy >= 0.95, `recorded ${training.knowledge.train.accuracy}`);
  assert.ok(training.knowledge.heldout.accuracy >= 0.8, `recorded ${training.knowledge.heldout.accuracy}`);
});

test("tiny-facts: ≥ 95% on trained phrasings, ≥ 80% on held-out (subject, phrasing) pairs", async () => {
  const model = loadModel(DIR);
  const tokenizer = await loadTokenizer(DIR);
  const probes = worldKnowledgeProbes(world);
  const report = knowledgeAccuracy(model, (text) => tokenizer.encode(text), probes, {
    padId: tokenizer.padTokenId,
  });
  assert.equal(report.train.total, 3 * world.facts.length);
  assert.equal(report.heldout.total, 2 * world.facts.length);
  assert.equal(report.train.tooLong + report.heldout.tooLong, 0);
  assert.ok(report.train.accuracy >= 0.95, `train ${report.train.correct}/${report.train.total}`);
  assert.ok(report.heldout.accuracy >= 0.8, `held-out ${report.heldout.correct}/${report.heldout.total}`);
});

test("tiny-facts: eval/ is writeWorld's output for the recorded world (records, corpus, texts)", () => {
  const read = (name: string) => readFileSync(join(DIR, "eval", name), "utf8");
  assert.deepEqual(
    JSON.parse(read("counterfact.json")),
    counterfactRecords(world, { count: EVAL_RECORDS, seed: world.seed }),
  );
  assert.equal(read("corpus.txt"), worldStatisticsCorpus(world));
  assert.equal(read("world.json"), worldJson(world));
  assert.equal(read("train.txt"), worldTrainingDocuments(world).join("\n") + "\n");
});
