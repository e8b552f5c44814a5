// Causal tracing of one fact (Meng et al., "Locating and Editing Factual Associations in GPT",
// NeurIPS 2022, §2.1 and Fig. 1; kmeng01/rome experiments/causal_trace.py calculate_hidden_flow):
// for every position t of the prompt and every layer l, the probability of the answer when the
// corrupted run gets back its clean state at (l, t) — the block output h^l alone, or a window of W
// MLP / attention outputs centred on l. The indirect effect of (l, t) is that probability minus the
// corrupted one; its heatmap over layers × positions shows where the fact is recalled.
import type { CausalLM } from "../models/causal-lm.js";
import { encodeContinuation } from "../runtime/score.js";
import { SUBJECT_PLACEHOLDER } from "../tokenizers/prompt-template.js";
import { locateSubject, locateSubjectInTemplate } from "../tokenizers/subject-location.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import { prepareFactRun, restoredProbability, type FactRun, type TraceKind } from "./fact-run.js";
import { embeddingStd } from "./noise.js";
import { resolveTraceOptions, windowLayers, type TraceOptions } from "./options.js";

export interface TraceFactOptions extends TraceOptions {
  /** the answer whose probability is traced: its first token after the prompt; default the model's top-1 token */
  target?: string;
}

export interface KindTrace {
  kind: TraceKind;
  /** layers restored together (1 for block) */
  window: number;
  /** scores[t][l]: p(answer) with (a window centred on) layer l restored at position t */
  scores: number[][];
}

export interface FactTrace {
  prompt: string;
  subject: string;
  ids: number[];
  /** each token's text */
  tokens: string[];
  /** subject tokens [start, end) */
  subjectRange: [number, number];
  answer: { id: number; text: string; given: boolean };
  noise: { std: number; embeddingStd: number; factor: number | null };
  samples: number;
  seed: number;
  cleanProbability: number;
  corruptedProbability: number;
  kinds: KindTrace[];
}

/** A fact to trace: a plain prompt holding the subject, or a CounterFact template with "{}" for it. */
export interface TraceFact {
  prompt: string;
  subject: string;
}

/** Tokens, subject span and answer of one prompt (a template's "{}" is filled with the subject). */
export function locateFact(
  tokenizer: Tokenizer,
  fact: TraceFact,
  target?: string,
): { prompt: string; ids: number[]; subject: { start: number; end: number }; answerId?: number } {
  const located = fact.prompt.includes(SUBJECT_PLACEHOLDER)
    ? locateSubjectInTemplate(tokenizer, fact.prompt, fact.subject)
    : { ...locateSubject(tokenizer, fact.prompt, fact.subject), prompt: fact.prompt };
  const prompt = located.prompt;
  let answerId: number | undefined;
  if (target !== undefined) {
    const { promptIds, targetIds } = encodeContinuation(tokenizer, prompt, target);
    if (promptIds.length !== located.ids.length)
      throw new Error(`prompt ${JSON.stringify(prompt)}: its tokens differ when encoded before the target`);
    answerId = targetIds[0];
  }
  return { prompt, ids: located.ids, subject: { start: located.start, end: located.end }, answerId };
}

/** The full layers × positions trace of one prompt for each kind asked for. */
export function traceFact(
  model: CausalLM,
  tokenizer: Tokenizer,
  fact: TraceFact,
  options: TraceFactOptions = {},
): FactTrace {
  const o = resolveTraceOptions(model, options);
  const located = locateFact(tokenizer, fact, options.target);
  const sigma = embeddingStd(model, located.ids.slice(located.subject.start, located.subject.end));
  const noiseStd = o.noise ?? o.noiseFactor * sigma;
  const run = prepareFactRun(model, located.ids, located.subject, {
    samples: o.samples,
    noiseStd,
    seed: o.seed,
    answerId: located.answerId,
  });
  const L = model.numLayers;
  const T = run.ids.length;
  const total = o.kinds.length * T * L;
  let done = 0;
  const kinds = o.kinds.map((kind): KindTrace => {
    const window = kind === "block" ? 1 : o.window;
    const scores = Array.from({ length: T }, (_, t) =>
      Array.from({ length: L }, (_, l) => {
        const p = restoredProbability(model, run, {
          kind,
          layers: windowLayers(l, window, L),
          positions: [t],
        });
        options.onProgress?.({ stage: `trace ${kind}`, done: ++done, total });
        return p;
      }),
    );
    return { kind, window, scores };
  });
  return {
    prompt: located.prompt,
    subject: fact.subject,
    ids: run.ids,
    tokens: run.ids.map((id) => tokenizer.decode([id])),
    subjectRange: [run.subject.start, run.subject.end],
    answer: { id: run.answerId, text: tokenizer.decode([run.answerId]), given: options.target !== undefined },
    noise: { std: noiseStd, embeddingStd: sigma, factor: o.noise === null ? o.noiseFactor : null },
    samples: o.samples,
    seed: o.seed,
    cleanProbability: run.cleanProbability,
    corruptedProbability: run.corruptedProbability,
    kinds,
  };
}

export type { FactRun };
