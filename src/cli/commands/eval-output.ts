// Helpers of `locedit eval`: the consistency references from the flags, and the text tables of the
// zsRE, WILD and probe figures (the CounterFact table is eval.ts's formatSummary).
import { snippetDocuments, readAttributeSnippets } from "../../eval/consistency/snippets.js";
import type { ConsistencyReferences } from "../../eval/consistency/consistency.js";
import { fitTfidf, readCorpusDocuments, readTfidfFiles } from "../../eval/consistency/tfidf.js";
import type { ProbeResult } from "../../eval/probes/run-probe.js";
import type { WildSummary } from "../../eval/wild/summary.js";
import type { ZsreSummary } from "../../eval/zsre/evaluate.js";
import { UsageError } from "../args.js";

export interface ConsistencyFlags {
  snippets?: string;
  vocab?: string;
  idf?: string;
  corpus: string[];
}

/**
 * The snippets and the vectorizer: the published vocabulary + idf when given, else one fitted on
 * the corpus files (plain text: one document per line; a .json file: the texts of an attribute
 * snippets file, the documents the reference fits on).
 */
export function consistencyReferences(flags: ConsistencyFlags, usage: string): ConsistencyReferences {
  if (!flags.snippets)
    throw new UsageError(
      `--consistency needs --snippets FILE (the new targets' reference texts)\n\n${usage}`,
    );
  const published = flags.vocab !== undefined || flags.idf !== undefined;
  if (published && (flags.vocab === undefined || flags.idf === undefined))
    throw new UsageError(
      `--tfidf-vocab and --idf go together (the published tfidf_vocab.json and idf.npy)\n\n${usage}`,
    );
  if (published && flags.corpus.length > 0)
    throw new UsageError(`give either --tfidf-vocab/--idf or --tfidf-corpus, not both\n\n${usage}`);
  if (!published && flags.corpus.length === 0)
    throw new UsageError(
      `--consistency needs a TF-IDF vectorizer: --tfidf-vocab FILE --idf FILE, or --tfidf-corpus FILE ...\n\n${usage}`,
    );
  const snippets = readAttributeSnippets(flags.snippets);
  if (published) return { snippets, vectorizer: readTfidfFiles(flags.vocab!, flags.idf!) };
  const documents = flags.corpus.flatMap((file) =>
    file.endsWith(".json") ? snippetDocuments(readAttributeSnippets(file)) : readCorpusDocuments([file]),
  );
  return { snippets, vectorizer: fitTfidf(documents) };
}

const row = (label: string, value: number | string | null) =>
  `${label.padEnd(26)} ${(value === null ? "n/a" : typeof value === "number" ? value.toFixed(2) : value).padStart(8)}`;

export function formatZsre(summary: ZsreSummary): string {
  return [
    row("efficacy (token acc.)", summary.efficacy),
    row("generalisation", summary.generalization),
    row("specificity", summary.specificity),
    row("records (n)", String(summary.n)),
    ...(summary.skipped > 0 ? [row("skipped (too long)", String(summary.skipped))] : []),
  ].join("\n");
}

export function formatWild(wild: WildSummary): string {
  return [
    "WILD (greedy generation, target matched):",
    row("  efficacy", wild.efficacy),
    row("  generalisation", wild.generalization),
    row("  specificity", wild.specificity),
    row("  efficacy (exact)", wild.exact.efficacy),
    row("  generalisation (exact)", wild.exact.generalization),
    row("  specificity (exact)", wild.exact.specificity),
    row("  prompts skipped", String(wild.skipped)),
  ].join("\n");
}

export function formatProbe(result: ProbeResult): string {
  const head = `probe ${result.task} (${result.file}): ${result.n} scored, ${result.skipped} skipped (too long)`;
  if (result.task === "perplexity") return `${head}\n${row("  perplexity", result.perplexity)}`;
  if (result.task === "retention")
    return [head, row("  top-1 accuracy", result.accuracy), row("  true preferred", result.preferred)].join(
      "\n",
    );
  const lines = [
    head,
    row("  accuracy", result.accuracy),
    row("  F1 (weighted)", result.f1),
    row("  MCC", result.mcc),
  ];
  if (result.generation)
    lines.push(
      row("  generation accuracy", result.generation.accuracy),
      row("  generation F1", result.generation.f1),
      row("  generation MCC", result.generation.mcc),
      row("  generation invalid", String(result.generation.invalid)),
    );
  return lines.join("\n");
}
