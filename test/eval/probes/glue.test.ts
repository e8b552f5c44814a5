// glue_eval probes: the exact prompt strings of AlphaEdit's *_eval.py (GLUE_EVAL_PROMPTS.md) on the
// fixture rows, the reference's answer parsers and label decisions, and on models/tiny-facts
// (80-token context) the figures recomputed independently — label likelihoods from one
// scoreContinuation per (prompt, label word), answers from unbatched generate — with items longer
// than the context skipped and counted, never stopping the probe.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { classificationFigures } from "../../../src/eval/probes/classification-metrics.js";
import { glueItems, runGlueItems } from "../../../src/eval/probes/glue.js";
import {
  GLUE_FORMATS,
  GLUE_TASKS,
  labelDecision,
  type GlueTask,
} from "../../../src/eval/probes/glue-tasks.js";
import { readProbeRows } from "../../../src/eval/probes/rows.js";
import { loadModel } from "../../../src/models/load.js";
import { generate } from "../../../src/runtime/generate.js";
import { scoreContinuation } from "../../../src/runtime/score.js";
import { loadTokenizer } from "../../../src/tokenizers/load-tokenizer.js";
import { EVAL_FIXTURES, SHARED_DATA, TINY_FACTS } from "../golden-helpers.js";

const rowsOf = (task: GlueTask) => readProbeRows(join(EVAL_FIXTURES, "glue", `${task}.json`));

describe("glue_eval formats", () => {
  it("prompt strings as the reference writes them", () => {
    const first = (task: GlueTask) => glueItems(task, rowsOf(task), task)[0];
    assert.deepEqual(first("sst2"), { prompt: "Review :yes , dull . \nSentiment :", label: 0 });
    assert.deepEqual(first("cola"), {
      prompt: "Is this sentence linguistically acceptable?\nSentence: Kick you!\nAnswer: ",
      label: 0,
    });
    const mrpc = rowsOf("mrpc")[0].value;
    assert.equal(
      first("mrpc").prompt,
      `Are the sentences paraphrases of each other.\nSentence 1: ${mrpc.sentence1}\nSentence 2: ${mrpc.sentence2}\nAnswer:`,
    );
    const rte = rowsOf("rte")[0].value;
    assert.deepEqual(first("rte"), {
      prompt: `${rte.sentence1}\nquestion: ${rte.sentence2} True or False?\nanswer:`,
      label: 1,
    });
    const nli = rowsOf("nli")[0].value;
    assert.deepEqual(first("nli"), {
      prompt: `${nli.sentence1} entails the ${nli.sentence2} True or False? Answer:`,
      label: 1,
    });
    assert.deepEqual(first("mmlu"), {
      prompt: "Question: What is x if 3 x = 84 ?\n(A) 20\n(B) 21\n(C) 26\n(D) 28\nAnswer:",
      label: 3,
    });
  });

  it("answer parsers read the text after the last cue, lower-cased", () => {
    const parse = (task: GlueTask, full: string, continuation = "") =>
      GLUE_FORMATS[task].parseGeneration(full, continuation);
    assert.equal(parse("sst2", "Review :x\nSentiment : Positive!"), 1);
    assert.equal(parse("sst2", "Review :x\nSentiment : meh"), -1);
    assert.equal(parse("mrpc", "...Answer: No, not really"), 0);
    assert.equal(parse("cola", "...Answer:  yes"), 1);
    assert.equal(parse("rte", "...answer: true or false"), 0, "'false' is tested first");
    assert.equal(parse("nli", "... True or False? Answer: False"), 0);
    assert.equal(parse("mmlu", "", " C\nQuestion"), 2);
    assert.equal(parse("mmlu", "", " C"), -1, "the reference looks for a letter followed by a newline");
  });

  it("label decisions: binary ties go to the second word; MMLU needs a strict maximum", () => {
    assert.equal(labelDecision(GLUE_FORMATS.sst2, [0.6, 0.4]), 1);
    assert.equal(labelDecision(GLUE_FORMATS.sst2, [0.5, 0.5]), 0);
    assert.equal(labelDecision(GLUE_FORMATS.rte, [0.2, 0.3]), 0);
    assert.equal(labelDecision(GLUE_FORMATS.mmlu, [0.1, 0.4, 0.2, 0.3]), 1);
    assert.equal(labelDecision(GLUE_FORMATS.mmlu, [0.4, 0.4, 0.1, 0.1]), -1);
  });

  it("bad rows name the file, the row and the field", () => {
    const bad = (task: GlueTask, row: object) => () =>
      glueItems(task, [{ value: row as Record<string, unknown>, label: "row 3 (idx 7)" }], "f.json");
    assert.throws(
      bad("sst2", { sentence: "a", label: 2 }),
      /f\.json: row 3 \(idx 7\): field "label" must be 0 or 1, got number 2/,
    );
    assert.throws(
      bad("mrpc", { sentence1: "a", label: 1 }),
      /f\.json: row 3 \(idx 7\): field "sentence2" must be a string/,
    );
    assert.throws(
      bad("nli", { sentence1: "a", sentence2: "b", label: 1 }),
      /field "label" must be "entailment" or "not_entailment"/,
    );
    assert.throws(
      bad("mmlu", { question: "q", choices: ["a", "b"], answer: 0 }),
      /field "choices" must be an array of 4 strings/,
    );
    assert.throws(
      bad("mmlu", { question: "q", choices: ["a", "b", "c", "d"], answer: 4 }),
      /field "answer" must be 0, 1, 2 or 3/,
    );
  });
});

describe("glue_eval probes on tiny-facts", async () => {
  const model = loadModel(TINY_FACTS);
  const tokenizer = await loadTokenizer(TINY_FACTS);
  const context = model.config.maxPositions;

  /** Label-likelihood and generated answers computed one item at a time. */
  function reference(task: GlueTask, prompts: string[]) {
    const format = GLUE_FORMATS[task];
    return prompts.map((prompt) => {
      const probabilities = format.labelWords.map((w) => {
        const s = scoreContinuation(model, tokenizer, prompt, ` ${w}`);
        return Math.exp(s.logprob / s.targetIds.length);
      });
      const ids = tokenizer.encode(prompt);
      const [out] = generate(model, [ids], {
        maxNewTokens: 5,
        stopTokenIds: [tokenizer.eosTokenId!],
        useCache: false,
      });
      const full = tokenizer.decode([...ids, ...out], { skipSpecialTokens: true });
      const answer = format.parseGeneration(full, tokenizer.decode(out, { skipSpecialTokens: true }));
      return { label: labelDecision(format, probabilities), answer };
    });
  }

  for (const task of GLUE_TASKS)
    it(`${task}: figures equal the item-by-item computation; long items skipped`, () => {
      const items = glueItems(task, rowsOf(task), task);
      const result = runGlueItems(task, items, model, tokenizer, { batchRows: 3 });
      const fits = items.filter((item) => tokenizer.encode(item.prompt).length + 5 <= context);
      assert.equal(result.n + result.skipped, items.length);
      assert.equal(result.n, fits.length);
      if (fits.length === 0) {
        assert.deepEqual(
          [result.accuracy, result.f1, result.mcc, result.generation],
          [null, null, null, null],
        );
        return;
      }
      const ref = reference(
        task,
        fits.map((item) => item.prompt),
      );
      const truth = fits.map((item) => item.label);
      const labelFigures = classificationFigures(
        truth,
        ref.map((r) => r.label),
      );
      assert.deepEqual({ accuracy: result.accuracy, f1: result.f1, mcc: result.mcc }, labelFigures);
      const generated = ref.map((r) => r.answer);
      assert.deepEqual(result.generation, {
        ...classificationFigures(truth, generated),
        invalid: generated.filter((a) => a === -1).length,
      });
    });

  it("a mix of short and over-long items: the long ones are counted, the rest scored", () => {
    const items = glueItems("sst2", rowsOf("sst2"), "sst2");
    const long = { prompt: `Review :${"a very long review . ".repeat(30)}\nSentiment :`, label: 1 };
    const result = runGlueItems("sst2", [long, ...items, long], model, tokenizer);
    assert.equal(result.skipped, 2);
    assert.equal(result.n, items.length);
    assert.deepEqual(result, { ...runGlueItems("sst2", items, model, tokenizer), skipped: 2 });
  });

  const sst2 = join(SHARED_DATA, "glue_eval", "sst2.json");
  it(
    "the published SST-2 test pool (rows 10–109) runs with most items scored and the rest counted",
    { skip: existsSync(sst2) ? false : "../shared/data/glue_eval is absent" },
    () => {
      const rows = readProbeRows(sst2).slice(10, 110);
      const result = runGlueItems("sst2", glueItems("sst2", rows, sst2), model, tokenizer, {
        generation: false,
      });
      assert.equal(result.n + result.skipped, 100);
      assert.ok(result.n > 0 && result.skipped > 0, `n ${result.n}, skipped ${result.skipped}`);
      assert.equal(result.generation, null);
    },
  );
});
