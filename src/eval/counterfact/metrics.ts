// CounterFact metrics as the ROME/MEMIT reference defines them (Meng et al. 2022/2023,
// `compute_rewrite_quality_counterfact` + `experiments/summarize.py`), from per-prompt mean NLLs:
//  - Efficacy Success (ES): share of rewrite prompts with NLL(new) < NLL(true);
//    Efficacy Magnitude (EM): mean of exp(−NLL(new)) − exp(−NLL(true));
//  - Generalisation / Paraphrase Success (PS) and Magnitude (PM): the same over paraphrase prompts;
//  - Specificity / Neighbourhood Success (NS): share of neighbourhood prompts with
//    NLL(true) < NLL(new); Magnitude (NM): mean of exp(−NLL(true)) − exp(−NLL(new));
//  - accuracies (`*_prompts_correct`): every token of the expected target (new for rewrite and
//    paraphrase prompts, true for neighbourhood prompts) is the teacher-forced argmax;
//  - Fluency: the weighted bi/tri-gram entropy of the record's generations (fluency.ts);
//  - Consistency: TF-IDF cosine of the generations with the new target's attribute snippets
//    (consistency/consistency.ts); null for a record whose new target has no snippet.
// The summary averages the per-record means over records and reports them × 100, as summarize.py
// does; Score = harmonic mean of ES, PS and NS (the reference's `post_score`, BLUE's "Score").

/** One prompt scored with both targets. */
export interface PromptScores {
  prompt: string;
  /** mean per-token NLL of " " + target_new.str / target_true.str */
  newNll: number;
  trueNll: number;
  /** total log-probability of each target */
  newLogprob: number;
  trueLogprob: number;
  /** every token of the expected target is the argmax (new for rewrite/paraphrase, true for neighbourhood) */
  correct: boolean;
}

/** Per-record means; null when the record has no prompt of that group (or the group was skipped). */
export interface RecordMetrics {
  efficacy: number;
  efficacyMagnitude: number;
  efficacyAccuracy: number;
  generalization: number | null;
  generalizationMagnitude: number | null;
  generalizationAccuracy: number | null;
  specificity: number | null;
  specificityMagnitude: number | null;
  specificityAccuracy: number | null;
  /** weighted n-gram entropy of the generations (bits), when fluency was asked for */
  fluency: number | null;
  /** TF-IDF cosine with the new target's snippets, when asked for and the snippets exist */
  consistency: number | null;
}

export interface RecordScores {
  caseId: number;
  rewrite: PromptScores[];
  paraphrase: PromptScores[];
  neighborhood: PromptScores[];
  /** the generated texts (prompt included), when fluency was asked for */
  generations: string[] | null;
  metrics: RecordMetrics;
}

/** Means over records of the per-record metrics, in percent; null when no record has the group. */
export interface CounterfactSummary {
  efficacy: number;
  generalization: number | null;
  specificity: number | null;
  /** harmonic mean of efficacy, generalization and specificity (null unless all three exist) */
  score: number | null;
  efficacyMagnitude: number;
  generalizationMagnitude: number | null;
  specificityMagnitude: number | null;
  efficacyAccuracy: number;
  generalizationAccuracy: number | null;
  specificityAccuracy: number | null;
  /** mean n-gram entropy × 100 (the reference's "ngram_entropy"; GPT-2 XL ≈ 626) */
  fluency: number | null;
  /** mean TF-IDF consistency × 100 over the records with snippets (the reference's "reference_score") */
  consistency: number | null;
  /** records left out of consistency for want of snippets (null when consistency was not asked for) */
  consistencyMissing: number | null;
  /** number of records scored */
  n: number;
  /** records skipped because a prompt does not fit the model's context */
  skipped: number;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Harmonic mean (scipy.stats.hmean): 0 when any value is 0. */
export function harmonicMean(values: readonly number[]): number {
  if (values.length === 0) throw new Error("harmonicMean of no values");
  if (values.some((v) => !(v >= 0)))
    throw new Error(`harmonicMean needs values ≥ 0, got ${values.join(", ")}`);
  if (values.some((v) => v === 0)) return 0;
  return values.length / values.reduce((a, v) => a + 1 / v, 0);
}

/** Success share, magnitude and accuracy of one prompt group; `expectNew` for rewrite/paraphrase. */
export function groupMetrics(prompts: readonly PromptScores[], expectNew: boolean) {
  const success = prompts.map((p) => ((expectNew ? p.newNll < p.trueNll : p.trueNll < p.newNll) ? 1 : 0));
  const magnitude = prompts.map((p) =>
    expectNew ? Math.exp(-p.newNll) - Math.exp(-p.trueNll) : Math.exp(-p.trueNll) - Math.exp(-p.newNll),
  );
  return {
    success: mean(success),
    magnitude: mean(magnitude),
    accuracy: mean(prompts.map((p) => (p.correct ? 1 : 0))),
  };
}

export function recordMetrics(
  rewrite: readonly PromptScores[],
  paraphrase: readonly PromptScores[],
  neighborhood: readonly PromptScores[],
  fluency: number | null = null,
  consistency: number | null = null,
): RecordMetrics {
  const es = groupMetrics(rewrite, true);
  if (es.success === null) throw new Error("a record needs at least one rewrite prompt");
  const ps = groupMetrics(paraphrase, true);
  const ns = groupMetrics(neighborhood, false);
  return {
    efficacy: es.success,
    efficacyMagnitude: es.magnitude as number,
    efficacyAccuracy: es.accuracy as number,
    generalization: ps.success,
    generalizationMagnitude: ps.magnitude,
    generalizationAccuracy: ps.accuracy,
    specificity: ns.success,
    specificityMagnitude: ns.magnitude,
    specificityAccuracy: ns.accuracy,
    fluency,
    consistency,
  };
}

/**
 * Mean over records (skipping nulls) × 100 of each metric; Score = hmean(ES, PS, NS). With
 * `consistency`, records without a consistency figure are counted as missing snippets.
 */
export function summarizeRecords(
  records: readonly { metrics: RecordMetrics }[],
  options: { consistency?: boolean; skipped?: number } = {},
): CounterfactSummary {
  const percent = (key: keyof RecordMetrics): number | null => {
    const values = records.map((r) => r.metrics[key]).filter((v): v is number => v !== null);
    const m = mean(values);
    return m === null ? null : m * 100;
  };
  const efficacy = percent("efficacy");
  const generalization = percent("generalization");
  const specificity = percent("specificity");
  const parts = [efficacy, generalization, specificity];
  return {
    efficacy: efficacy ?? NaN,
    generalization,
    specificity,
    score: parts.every((v) => v !== null) ? harmonicMean(parts as number[]) : null,
    efficacyMagnitude: percent("efficacyMagnitude") ?? NaN,
    generalizationMagnitude: percent("generalizationMagnitude"),
    specificityMagnitude: percent("specificityMagnitude"),
    efficacyAccuracy: percent("efficacyAccuracy") ?? NaN,
    generalizationAccuracy: percent("generalizationAccuracy"),
    specificityAccuracy: percent("specificityAccuracy"),
    fluency: percent("fluency"),
    consistency: percent("consistency"),
    consistencyMissing: options.consistency
      ? records.filter((r) => r.metrics.consistency === null).length
      : null,
    n: records.length,
    skipped: options.skipped ?? 0,
  };
}
