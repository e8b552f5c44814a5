// Causal tracing averaged over facts (Meng et al., NeurIPS 2022, §2.2 and Fig. 2: the average
// indirect effect, AIE): for each record, the indirect effect p(restored) − p(corrupted) of every
// layer (or window of layers) restored at two positions — the subject's last token, where the
// locate-then-edit methods read their keys, and the prompt's last token — then its mean and
// standard deviation over records. ν is one value for all records: 3σ of the token embeddings of
// all their subjects (the reference's collect_embedding_std over its known facts).
import type { CausalLM } from "../models/causal-lm.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { locateFact, type TraceFact } from "./causal-trace.js";
import { prepareFactRun, restoredProbability, type TraceKind } from "./fact-run.js";
import { embeddingStd } from "./noise.js";
import { resolveTraceOptions, windowLayers, type TraceOptions } from "./options.js";

/** Mean and standard deviation over records, per layer. */
export interface LayerEffect {
  mean: number[];
  std: number[];
}

export interface KindAverage {
  kind: TraceKind;
  window: number;
  /** indirect effect with the restoration at the subject's last token */
  subjectLast: LayerEffect;
  /** indirect effect with the restoration at the prompt's last token */
  lastToken: LayerEffect;
}

export interface RecordTraceSummary {
  prompt: string;
  subject: string;
  answer: { id: number; text: string };
  cleanProbability: number;
  corruptedProbability: number;
}

export interface RecordsTrace {
  records: RecordTraceSummary[];
  noise: { std: number; embeddingStd: number; factor: number | null };
  samples: number;
  seed: number;
  cleanProbability: { mean: number; std: number };
  corruptedProbability: { mean: number; std: number };
  kinds: KindAverage[];
}

/** Mean and (population) standard deviation of `xs`. */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  if (xs.length === 0) return { mean: NaN, std: NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, x) => a + (x - mean) * (x - mean), 0) / xs.length;
  return { mean, std: Math.sqrt(variance) };
}

function layerEffect(perRecord: readonly number[][], L: number): LayerEffect {
  const stats = Array.from({ length: L }, (_, l) => meanStd(perRecord.map((r) => r[l])));
  return { mean: stats.map((s) => s.mean), std: stats.map((s) => s.std) };
}

/** The average indirect effect per layer at the subject's last token and at the last token. */
export function traceRecords(
  model: CausalLM,
  tokenizer: Tokenizer,
  facts: readonly TraceFact[],
  options: TraceOptions = {},
): RecordsTrace {
  if (facts.length === 0) throw new Error("traceRecords: no records to trace");
  const o = resolveTraceOptions(model, options);
  const located = facts.map((fact, i) => {
    try {
      return locateFact(tokenizer, fact);
    } catch (error) {
      throw new Error(`record ${i}: ${(error as Error).message}`, { cause: error });
    }
  });
  const sigma = embeddingStd(
    model,
    located.flatMap((f) => f.ids.slice(f.subject.start, f.subject.end)),
  );
  const noiseStd = o.noise ?? o.noiseFactor * sigma;
  const L = model.numLayers;
  const effects = new Map(
    o.kinds.map((k) => [k, { subjectLast: [] as number[][], lastToken: [] as number[][] }]),
  );
  const records: RecordTraceSummary[] = [];
  const total = facts.length * o.kinds.length * L * 2;
  let done = 0;
  located.forEach((fact, i) => {
    const run = prepareFactRun(model, fact.ids, fact.subject, { samples: o.samples, noiseStd, seed: o.seed });
    records.push({
      prompt: fact.prompt,
      subject: facts[i].subject,
      answer: { id: run.answerId, text: tokenizer.decode([run.answerId]) },
      cleanProbability: run.cleanProbability,
      corruptedProbability: run.corruptedProbability,
    });
    for (const kind of o.kinds) {
      const window = kind === "block" ? 1 : o.window;
      const at = (position: number) =>
        Array.from({ length: L }, (_, l) => {
          const p = restoredProbability(model, run, {
            kind,
            layers: windowLayers(l, window, L),
            positions: [position],
          });
          options.onProgress?.({ stage: `trace ${kind}`, done: ++done, total });
          return p - run.corruptedProbability;
        });
      effects.get(kind)!.subjectLast.push(at(fact.subject.end - 1));
      effects.get(kind)!.lastToken.push(at(fact.ids.length - 1));
    }
  });
  return {
    records,
    noise: { std: noiseStd, embeddingStd: sigma, factor: o.noise === null ? o.noiseFactor : null },
    samples: o.samples,
    seed: o.seed,
    cleanProbability: meanStd(records.map((r) => r.cleanProbability)),
    corruptedProbability: meanStd(records.map((r) => r.corruptedProbability)),
    kinds: o.kinds.map((kind) => ({
      kind,
      window: kind === "block" ? 1 : o.window,
      subjectLast: layerEffect(effects.get(kind)!.subjectLast, L),
      lastToken: layerEffect(effects.get(kind)!.lastToken, L),
    })),
  };
}
