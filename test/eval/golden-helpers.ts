// Shared paths and the golden values of scripts/golden/make_eval_goldens.py for the eval tests.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../models/golden-helpers.js";

export const EVAL_FIXTURES = join(repoRoot, "test", "fixtures", "eval");
export const TINY_FACTS = join(repoRoot, "models", "tiny-facts");
export const TINY_RECORDS = join(TINY_FACTS, "eval", "counterfact.json");
export const SHARED_DATA = join(repoRoot, "..", "shared", "data");

export interface EvalGolden {
  entropy: {
    texts: { text: string; tokens: string[]; h2: number; h3: number; entropy: number }[];
    mean: number;
  };
  tfidf: {
    corpus: string[];
    vocabulary: Record<string, number>;
    idf: number[];
    pairs: { a: string; b: string; cosine: number | null }[];
  };
  classification: { truth: number[]; predicted: number[]; f1: number; mcc: number }[];
}

export function evalGolden(): EvalGolden {
  return JSON.parse(readFileSync(join(EVAL_FIXTURES, "golden.json"), "utf8")) as EvalGolden;
}

/** |a − b| ≤ tol · max(1, |b|): float64 arithmetic on both sides, different summation orders. */
export function close(a: number, b: number, tol = 1e-12): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}
