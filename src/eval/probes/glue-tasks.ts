// The zero-shot general-capability tasks of AlphaEdit/BLUE's `glue_eval` (Fang et al. 2025; Li et
// al. 2025): each row's prompt string, label words and the parser of a generated answer, exactly as
// the reference code writes them (see ../shared/data/glue_eval/GLUE_EVAL_PROMPTS.md):
//   SST-2  'Review :' + sentence + '\nSentiment :'                  ' positive' → 1, ' negative' → 0
//   MRPC   'Are the sentences paraphrases of each other.\nSentence 1: ' + s1 + '\nSentence 2: ' + s2
//          + '\nAnswer:'                                            ' Yes' → 1, ' No' → 0
//   CoLA   'Is this sentence linguistically acceptable?\nSentence: ' + sentence + '\nAnswer: '
//                                                                   ' Yes' → 1, ' No' → 0
//   RTE    s1 + '\nquestion: ' + s2 + ' True or False?\nanswer:'    ' True' → 1, ' False' → 0
//          (the code scores label 1 as "True", the opposite of GLUE's meaning; kept as written)
//   NLI    s1 + ' entails the ' + s2 + ' True or False? Answer:'   ' True' → 1 (entailment), ' False' → 0
//   MMLU   'Question: ' + q + '\n(A) ' + c0 + '\n(B) ' + c1 + '\n(C) ' + c2 + '\n(D) ' + c3 + '\nAnswer:'
//                                                                   ' A' … ' D' → 0 … 3
// Label-likelihood decision: binary tasks predict the first word's class when its probability
// (exp of the mean NLL of its tokens) is strictly larger, else the second's; MMLU needs a strict
// maximum, else −1. Generated answers are parsed from the text after the last answer cue.

import { describeValue } from "../../io/json-values.js";

export type GlueTask = "sst2" | "mrpc" | "cola" | "rte" | "mmlu" | "nli";
export const GLUE_TASKS: readonly GlueTask[] = ["sst2", "mrpc", "cola", "rte", "mmlu", "nli"];

type Row = Record<string, unknown>;

export interface GlueItem {
  prompt: string;
  /** the true class */
  label: number;
}

export interface GlueTaskFormat {
  /** label words as scored (" " + word is the continuation), and the class each stands for */
  labelWords: readonly string[];
  labelClasses: readonly number[];
  /** the row's prompt and class; throws `field "…" must be …` messages */
  item(row: Row): GlueItem;
  /** the class a generation names, −1 when none: `text` is prompt + continuation, as decoded */
  parseGeneration(text: string, continuation: string): number;
  /** true when the label-likelihood decision needs a strict maximum (else −1) */
  strictArgmax: boolean;
}

function text(row: Row, field: string): string {
  const value = row[field];
  if (typeof value !== "string")
    throw new Error(`field "${field}" must be a string, got ${describeValue(value)}`);
  return value;
}

function binaryLabel(row: Row): number {
  const value = row.label;
  if (value !== 0 && value !== 1)
    throw new Error(`field "label" must be 0 or 1, got ${describeValue(value)}`);
  return value;
}

/** The reference's `_get_answer`: the text after the last `cue`, lower-cased, tested for words in order. */
function afterLast(cue: string, words: readonly [string, number][]) {
  return (full: string): number => {
    const answer = full.split(cue).pop()!.trim().toLowerCase();
    for (const [word, label] of words) if (answer.includes(word)) return label;
    return -1;
  };
}

const YES_NO = afterLast("Answer:", [
  ["yes", 1],
  ["no", 0],
]);

export const GLUE_FORMATS: Record<GlueTask, GlueTaskFormat> = {
  sst2: {
    labelWords: ["positive", "negative"],
    labelClasses: [1, 0],
    item: (row) => ({
      prompt: "Review :" + text(row, "sentence") + "\nSentiment :",
      label: binaryLabel(row),
    }),
    parseGeneration: afterLast("Sentiment :", [
      ["positive", 1],
      ["negative", 0],
    ]),
    strictArgmax: false,
  },
  mrpc: {
    labelWords: ["Yes", "No"],
    labelClasses: [1, 0],
    item: (row) => ({
      prompt:
        "Are the sentences paraphrases of each other.\n" +
        "Sentence 1: " +
        text(row, "sentence1") +
        "\n" +
        "Sentence 2: " +
        text(row, "sentence2") +
        "\n" +
        "Answer:",
      label: binaryLabel(row),
    }),
    parseGeneration: YES_NO,
    strictArgmax: false,
  },
  cola: {
    labelWords: ["Yes", "No"],
    labelClasses: [1, 0],
    item: (row) => ({
      prompt:
        "Is this sentence linguistically acceptable?\n" +
        "Sentence: " +
        text(row, "sentence") +
        "\n" +
        "Answer: ",
      label: binaryLabel(row),
    }),
    parseGeneration: YES_NO,
    strictArgmax: false,
  },
  rte: {
    labelWords: ["True", "False"],
    labelClasses: [1, 0],
    item: (row) => ({
      prompt:
        text(row, "sentence1") +
        "\n" +
        "question: " +
        text(row, "sentence2") +
        " True or False?" +
        "\n" +
        "answer:",
      label: binaryLabel(row),
    }),
    parseGeneration: afterLast("answer:", [
      ["false", 0],
      ["true", 1],
    ]),
    strictArgmax: false,
  },
  nli: {
    labelWords: ["True", "False"],
    labelClasses: [1, 0],
    item: (row) => {
      const label = row.label;
      if (label !== "entailment" && label !== "not_entailment")
        throw new Error(
          `field "label" must be "entailment" or "not_entailment", got ${describeValue(label)}`,
        );
      return {
        prompt: `${text(row, "sentence1")} entails the ${text(row, "sentence2")} True or False? Answer:`,
        label: label === "entailment" ? 1 : 0,
      };
    },
    parseGeneration: afterLast("True or False? Answer:", [
      ["true", 1],
      ["false", 0],
    ]),
    strictArgmax: false,
  },
  mmlu: {
    labelWords: ["A", "B", "C", "D"],
    labelClasses: [0, 1, 2, 3],
    item: (row) => {
      const choices = row.choices;
      if (!Array.isArray(choices) || choices.length !== 4 || choices.some((c) => typeof c !== "string"))
        throw new Error(`field "choices" must be an array of 4 strings, got ${describeValue(choices)}`);
      const answer = row.answer;
      if (answer !== 0 && answer !== 1 && answer !== 2 && answer !== 3)
        throw new Error(`field "answer" must be 0, 1, 2 or 3, got ${describeValue(answer)}`);
      const options = ["A", "B", "C", "D"].map((letter, i) => `(${letter}) ${choices[i]}\n`).join("");
      return { prompt: "Question: " + text(row, "question") + "\n" + options + "Answer:", label: answer };
    },
    // The reference tests the generated continuation (prompt removed) for "a\n", "b\n", … in order.
    parseGeneration: (_full, continuation) => {
      const lower = continuation.toLowerCase();
      const found = ["a\n", "b\n", "c\n", "d\n"].findIndex((cue) => lower.includes(cue));
      return found;
    },
    strictArgmax: true,
  },
};

/** The class the label likelihoods choose (probabilities in label-word order). */
export function labelDecision(format: GlueTaskFormat, probabilities: readonly number[]): number {
  if (!format.strictArgmax)
    return probabilities[0] > probabilities[1] ? format.labelClasses[0] : format.labelClasses[1];
  for (let i = 0; i < probabilities.length; i++)
    if (probabilities.every((p, j) => j === i || probabilities[i] > p)) return format.labelClasses[i];
  return -1;
}
