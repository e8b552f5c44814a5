// zsRE in the MEND format: the reference's mapping (dsets/zsre.py), validation errors naming the
// file, record and field, and on models/tiny-facts the teacher-forced token accuracies recomputed
// one answer token at a time with an unbatched forward (the reference's test_batch_prediction_acc:
// argmax after prompt + answer[:i] equals answer[i]); the WILD check runs beside it.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { parseZsreRecords, readZsreFile } from "../../../src/data/zsre/records.js";
import { evaluateZsre } from "../../../src/eval/zsre/evaluate.js";
import { evaluateZsreWild } from "../../../src/eval/zsre/wild.js";
import { loadModel } from "../../../src/models/load.js";
import { makeBatch } from "../../../src/runtime/batch.js";
import { argmax } from "../../../src/runtime/generate.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { EVAL_FIXTURES, SHARED_DATA, TINY_FACTS } from "../golden-helpers.js";

const FIXTURE = join(EVAL_FIXTURES, "zsre.json");

describe("zsRE records", () => {
  it("maps as the reference: template, answers[0], loc + '?' with its nq prefix", () => {
    const [first, , third] = readZsreFile(FIXTURE);
    assert.deepEqual(first, {
      caseId: 0,
      subject: "Zira Kudor",
      prompt: "What country does {} hold a passport from?",
      question: "What country does Zira Kudor hold a passport from?",
      rephrase: "Zira Kudor has citizenship in which country?",
      targetNew: "Nigeria",
      neighborhoodPrompt: "nq question: the birthplace of kuvara thanunjek?",
      neighborhoodAnswer: "Barcelona",
    });
    assert.equal(third.targetNew, "soul", "answers[0]");
  });

  it("JSON Lines reads the same", () => {
    const dir = mkdtempSync(join(tmpdir(), "locedit-zsre-"));
    try {
      const file = join(dir, "z.jsonl");
      const records = JSON.parse(JSON.stringify(readZsreFile(FIXTURE)));
      const raw = JSON.parse(readFileSync(FIXTURE, "utf8")) as object[];
      writeFileSync(file, raw.map((r) => JSON.stringify(r)).join("\n") + "\n");
      assert.deepEqual(readZsreFile(file), records);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("bad records name the file, the record and the field", () => {
    const good = JSON.parse(readFileSync(FIXTURE, "utf8"))[0];
    const bad = (patch: object) => () => parseZsreRecords([good, { ...good, ...patch }], "z.json");
    assert.throws(
      bad({ answers: [] }),
      /z\.json: record 1: field "answers" must be a non-empty array of strings/,
    );
    assert.throws(
      bad({ answers: ["ok", 3] }),
      /z\.json: record 1: field "answers\[1\]" must be a non-empty string/,
    );
    assert.throws(
      bad({ src: "What is it?" }),
      /z\.json: record 1: field "src" does not contain the subject "Zira Kudor"/,
    );
    assert.throws(
      bad({ loc: "who won the cup" }),
      /z\.json: record 1: field "loc" must hold a Natural Questions probe starting "nq question: "/,
    );
    assert.throws(
      bad({ rephrase: undefined }),
      /z\.json: record 1: field "rephrase" must be a non-empty string, got nothing/,
    );
    assert.throws(() => parseZsreRecords({}, "z.json"), /z\.json: expected a JSON array of zsRE records/);
  });

  const published = join(SHARED_DATA, "zsre", "zsre_mend_train_1k.json");
  it(
    "the published 1k sample parses",
    { skip: existsSync(published) ? false : "../shared/data/zsre is absent" },
    () => {
      const cases = readZsreFile(published);
      assert.equal(cases.length, 1000);
      assert.ok(
        cases.every((c) => c.prompt.includes("{}") && c.neighborhoodPrompt.startsWith("nq question: ")),
      );
    },
  );
});

describe("zsRE metrics on tiny-facts", async () => {
  const model = loadModel(TINY_FACTS);
  const tokenizer = await loadTokenizer(TINY_FACTS);
  const cases = readZsreFile(FIXTURE);
  const V = model.config.vocabSize;

  /** Share of answer tokens that are the argmax after prompt + answer[:i], one forward each. */
  function tokenAccuracy(prompt: string, answer: string): number {
    const promptIds = tokenizer.encode(prompt);
    const answerIds = tokenizer.encode(prompt + " " + answer).slice(promptIds.length);
    const hits = answerIds.map((id, i) => {
      const ids = [...promptIds, ...answerIds.slice(0, i)];
      const { logits } = model.forward(makeBatch([ids]), { logits: [{ row: 0, position: ids.length - 1 }] });
      return argmax(logits.subarray(0, V)) === id;
    });
    return hits.filter(Boolean).length / hits.length;
  }

  it("token accuracies equal the per-token reference", () => {
    const { records, summary } = evaluateZsre(model, tokenizer, cases, { batchRows: 4 });
    records.forEach((r, i) => {
      const c = cases[i];
      assert.equal(r.efficacy, tokenAccuracy(c.question, c.targetNew), `efficacy of ${i}`);
      assert.equal(r.generalization, tokenAccuracy(c.rephrase, c.targetNew), `generalization of ${i}`);
      assert.equal(
        r.specificity,
        tokenAccuracy(c.neighborhoodPrompt, c.neighborhoodAnswer),
        `specificity of ${i}`,
      );
    });
    const mean = (key: "efficacy" | "generalization" | "specificity") =>
      (100 * records.reduce((a, r) => a + r[key], 0)) / records.length;
    assert.deepEqual(summary, {
      efficacy: mean("efficacy"),
      generalization: mean("generalization"),
      specificity: mean("specificity"),
      n: 4,
      skipped: 0,
    });
  });

  it("WILD runs beside it, one prompt per group per record", () => {
    const { summary, records } = evaluateZsreWild(model, tokenizer, cases);
    assert.equal(summary.n, 4);
    assert.equal(summary.skipped, 0);
    assert.ok(
      records.every(
        (r) => r.efficacy.length === 1 && r.specificity[0].target === cases[r.caseId].neighborhoodAnswer,
      ),
    );
  });

  it("a record with an over-long prompt is skipped and counted, the others scored as before", () => {
    const long = { ...cases[0], caseId: 9, rephrase: "Zira Kudor ".repeat(60) };
    const result = evaluateZsre(model, tokenizer, [cases[1], long, cases[2]]);
    assert.deepEqual(result.skipped, [{ caseId: 9, field: "rephrase" }]);
    assert.equal(result.summary.skipped, 1);
    assert.equal(result.summary.n, 2);
    const plain = evaluateZsre(model, tokenizer, [cases[1], cases[2]]);
    assert.deepEqual(result.records, plain.records);
    const none = evaluateZsre(model, tokenizer, [long]).summary;
    assert.deepEqual([none.n, none.efficacy, none.skipped], [0, null, 1]);
  });
});
