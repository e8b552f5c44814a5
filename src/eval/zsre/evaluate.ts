// zsRE metrics as the ROME/MEMIT reference computes them (`experiments/py/eval_utils_zsre.py` +
// `summarize.py`): teacher-forced token accuracy. For a prompt P and answer tokens t₁…t_m of
// " " + answer, position i is correct when argmax p(· | P, t_<i) = t_i; a prompt scores the share
// of its m positions that are correct.
//   Efficacy:       the question `src`        against " " + answers[0];
//   Generalisation: the `rephrase`            against " " + answers[0];
//   Specificity:    the NQ question `loc` + "?" against " " + loc_ans (its own answer).
// Per record each is that share; the summary is the mean over records × 100. The answer tokens are
// the suffix of encode(P + answer) after encode(P), as in the CounterFact scoring; every position
// is one (prefix, next token) pair of the batched scorer, which shares rows between prefixes.
// A record one of whose prompts and answer exceed the model's context is skipped and counted.
import type { ZsreCase } from "../../data/zsre/records.js";
import type { CausalLM } from "../../models/causal-lm.js";
import { encodeContinuation } from "../../runtime/score.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { scoreTokenPairs, type TokenPair } from "../counterfact/batch-score.js";

export interface ZsreRecordScores {
  caseId: number;
  /** per answer token: is it the teacher-forced argmax? */
  efficacyTokens: boolean[];
  generalizationTokens: boolean[];
  specificityTokens: boolean[];
  /** shares of correct tokens, in [0, 1] */
  efficacy: number;
  generalization: number;
  specificity: number;
}

export interface ZsreSummary {
  /** means over the scored records × 100 (null when none was scored) */
  efficacy: number | null;
  generalization: number | null;
  specificity: number | null;
  /** records scored */
  n: number;
  /** records skipped because a prompt and its answer exceed the model's context */
  skipped: number;
}

export interface ZsreEvaluation {
  /** the scored records */
  records: ZsreRecordScores[];
  /** the skipped records, with the first field that did not fit */
  skipped: { caseId: number; field: string }[];
  summary: ZsreSummary;
}

export interface ZsreEvalOptions {
  /** rows per forward (default 64) */
  batchRows?: number;
  onProgress?: (done: number, total: number) => void;
  /** names the records' file in errors */
  source?: string;
}

type Group = "efficacy" | "generalization" | "specificity";
const GROUPS: Group[] = ["efficacy", "generalization", "specificity"];

/** The (prompt, answer) of each group of a case. */
export function zsreGroupPrompts(
  c: ZsreCase,
): Record<Group, { prompt: string; answer: string; field: string }> {
  return {
    efficacy: { prompt: c.question, answer: c.targetNew, field: "src" },
    generalization: { prompt: c.rephrase, answer: c.targetNew, field: "rephrase" },
    specificity: { prompt: c.neighborhoodPrompt, answer: c.neighborhoodAnswer, field: "loc" },
  };
}

const mean = (values: readonly boolean[]) => values.filter(Boolean).length / values.length;

export function evaluateZsre(
  model: CausalLM,
  tokenizer: Tokenizer,
  cases: readonly ZsreCase[],
  options: ZsreEvalOptions = {},
): ZsreEvaluation {
  if (cases.length === 0) throw new Error("evaluateZsre: no records");
  const context = model.config.maxPositions;
  const where = (c: ZsreCase, field: string) =>
    `${options.source ? `${options.source}: ` : ""}record ${c.caseId}, field "${field}"`;
  // One pair per answer token: (prompt + answer[:i], answer[i]).
  const pairs: TokenPair[] = [];
  const skipped: { caseId: number; field: string }[] = [];
  const scored: { c: ZsreCase; spans: Record<Group, { start: number; count: number }> }[] = [];
  for (const c of cases) {
    const groups = zsreGroupPrompts(c);
    const encodedGroups = {} as Record<Group, { promptIds: number[]; targetIds: number[] }>;
    let tooLong: string | null = null;
    for (const group of GROUPS) {
      const { prompt, answer, field } = groups[group];
      let encoded: { promptIds: number[]; targetIds: number[] };
      try {
        encoded = encodeContinuation(tokenizer, prompt, ` ${answer}`);
      } catch (error) {
        throw new Error(`${where(c, field)}: ${(error as Error).message}`, { cause: error });
      }
      if (tooLong === null && encoded.promptIds.length + encoded.targetIds.length - 1 > context)
        tooLong = field;
      encodedGroups[group] = encoded;
    }
    if (tooLong !== null) {
      skipped.push({ caseId: c.caseId, field: tooLong });
      continue;
    }
    const spans = {} as Record<Group, { start: number; count: number }>;
    for (const group of GROUPS) {
      const { promptIds, targetIds } = encodedGroups[group];
      spans[group] = { start: pairs.length, count: targetIds.length };
      targetIds.forEach((id, i) =>
        pairs.push({ promptIds: [...promptIds, ...targetIds.slice(0, i)], targetIds: [id] }),
      );
    }
    scored.push({ c, spans });
  }
  const scores = scoreTokenPairs(model, pairs, {
    batchRows: options.batchRows,
    padId: tokenizer.padTokenId,
    onProgress: options.onProgress,
  });
  const records = scored.map(({ c, spans }): ZsreRecordScores => {
    const tokens = (group: Group) => {
      const { start, count } = spans[group];
      return scores.slice(start, start + count).map((s) => s.argmaxCorrect);
    };
    const efficacyTokens = tokens("efficacy");
    const generalizationTokens = tokens("generalization");
    const specificityTokens = tokens("specificity");
    return {
      caseId: c.caseId,
      efficacyTokens,
      generalizationTokens,
      specificityTokens,
      efficacy: mean(efficacyTokens),
      generalization: mean(generalizationTokens),
      specificity: mean(specificityTokens),
    };
  });
  const percent = (group: Group) =>
    records.length === 0 ? null : (100 * records.reduce((a, r) => a + r[group], 0)) / records.length;
  return {
    records,
    skipped,
    summary: {
      efficacy: percent("efficacy"),
      generalization: percent("generalization"),
      specificity: percent("specificity"),
      n: records.length,
      skipped: skipped.length,
    },
  };
}
