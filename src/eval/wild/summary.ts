// WILD figures of an edit benchmark, averaged as the teacher-forced ones are (the reference's
// summarize.py: a mean per record, then the mean over records, × 100): efficacy on the rewrite
// prompts, generalisation on the paraphrases (both against the new target) and specificity on the
// neighbourhood prompts (against their own answer). Skipped prompts (no room in the context) are
// left out of their record's mean and counted.
import type { CausalLM } from "../../models/causal-lm.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { evaluateWild, type WildItem, type WildOptions, type WildResult } from "./wild.js";

export type WildGroup = "efficacy" | "generalization" | "specificity";

export interface WildRates {
  efficacy: number | null;
  generalization: number | null;
  specificity: number | null;
}

export interface WildSummary extends WildRates {
  /** the same with exact matches (the continuation is the target and nothing more) */
  exact: WildRates;
  /** records */
  n: number;
  /** prompts not generated because they fill the model's context */
  skipped: number;
}

export interface WildRecord {
  caseId: number;
  efficacy: WildResult[];
  generalization: WildResult[];
  specificity: WildResult[];
}

export interface WildEvaluation {
  records: WildRecord[];
  summary: WildSummary;
}

const GROUPS: WildGroup[] = ["efficacy", "generalization", "specificity"];

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Per-record means of `key` over non-skipped prompts, then their mean × 100 for each group. */
function rates(records: readonly WildRecord[], key: "match" | "exact"): WildRates {
  const out = {} as WildRates;
  for (const group of GROUPS) {
    const perRecord = records
      .map((r) => mean(r[group].filter((x) => !x.skipped).map((x) => (x[key] ? 1 : 0))))
      .filter((v): v is number => v !== null);
    const m = mean(perRecord);
    out[group] = m === null ? null : 100 * m;
  }
  return out;
}

export function summarizeWild(records: readonly WildRecord[]): WildSummary {
  return {
    ...rates(records, "match"),
    exact: rates(records, "exact"),
    n: records.length,
    skipped: records.reduce(
      (a, r) => a + GROUPS.reduce((b, g) => b + r[g].filter((x) => x.skipped).length, 0),
      0,
    ),
  };
}

/** Runs the WILD generations of every record's groups in one pass and summarises them. */
export function evaluateWildGroups(
  model: CausalLM,
  tokenizer: Tokenizer,
  groups: readonly { caseId: number; items: Record<WildGroup, WildItem[]> }[],
  options: WildOptions = {},
): WildEvaluation {
  const flat = groups.flatMap((g) => GROUPS.flatMap((group) => g.items[group]));
  const results = evaluateWild(model, tokenizer, flat, options);
  let next = 0;
  const records = groups.map((g) => {
    const record = { caseId: g.caseId } as WildRecord;
    for (const group of GROUPS) record[group] = g.items[group].map(() => results[next++]);
    return record;
  });
  return { records, summary: summarizeWild(records) };
}
