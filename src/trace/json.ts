// The JSON files `locedit trace` writes (a contract, spelled out in the README): snake_case keys,
// matrices as [position][layer], effects per layer.
import type { RecordsTrace } from "./average.js";
import type { FactTrace } from "./causal-trace.js";
import type { LayerSuggestion } from "./suggest.js";

function noiseJson(noise: FactTrace["noise"]) {
  return { std: noise.std, embedding_std: noise.embeddingStd, factor: noise.factor };
}

/** trace.json of one prompt. */
export function factTraceJson(trace: FactTrace, model: string) {
  return {
    model,
    prompt: trace.prompt,
    subject: trace.subject,
    tokens: trace.tokens,
    ids: trace.ids,
    subject_range: trace.subjectRange,
    answer: trace.answer,
    noise: noiseJson(trace.noise),
    samples: trace.samples,
    seed: trace.seed,
    clean_probability: trace.cleanProbability,
    corrupted_probability: trace.corruptedProbability,
    kinds: Object.fromEntries(
      trace.kinds.map((k) => [
        k.kind,
        {
          window: k.window,
          scores: k.scores,
          indirect_effect: k.scores.map((row) => row.map((p) => p - trace.corruptedProbability)),
        },
      ]),
    ),
  };
}

/** The suggestion of critical layers with the numbers behind it (also recorded by `edit --layers auto`). */
export function suggestionJson(s: LayerSuggestion) {
  return {
    layers: s.layers,
    boundary: s.boundary,
    window_length: s.windowLength,
    mean_effect: s.meanEffect,
    kind: s.kind,
    position: s.position,
    effects: s.effects,
    windows: s.windows.map((w) => ({ layers: w.layers, mean_effect: w.meanEffect })),
    records: s.records,
    samples: s.samples,
    trace_window: s.traceWindow,
    noise: noiseJson(s.noise),
    clean_probability: s.cleanProbability,
    corrupted_probability: s.corruptedProbability,
  };
}

/** trace.json of `trace --records`. */
export function recordsTraceJson(trace: RecordsTrace, model: string, suggestion?: LayerSuggestion) {
  return {
    model,
    records: trace.records.map((r) => ({
      prompt: r.prompt,
      subject: r.subject,
      answer: r.answer,
      clean_probability: r.cleanProbability,
      corrupted_probability: r.corruptedProbability,
    })),
    noise: noiseJson(trace.noise),
    samples: trace.samples,
    seed: trace.seed,
    clean_probability: trace.cleanProbability,
    corrupted_probability: trace.corruptedProbability,
    average_indirect_effect: Object.fromEntries(
      trace.kinds.map((k) => [
        k.kind,
        { window: k.window, subject_last: k.subjectLast, last_token: k.lastToken },
      ]),
    ),
    ...(suggestion ? { suggestion: suggestionJson(suggestion) } : {}),
  };
}
