// Knowledge check: does the model complete `prompt` with ` answer`? A probe counts as known when,
// teacher-forced, every answer token is the argmax of the model's next-token distribution given
// the prompt and the answer tokens before it — the same as greedy decoding producing the answer's
// tokens first. Accuracy is reported per split (training phrasings vs held-out paraphrases).
import type { CausalLM, LogitPosition } from "../models/causal-lm.js";
import { makeBatch } from "../runtime/batch.js";

export interface KnowledgeProbe {
  prompt: string;
  answer: string;
  split: "train" | "heldout";
  /** optional group (e.g. "world/P19") reported on its own as well */
  group?: string;
}

export interface SplitAccuracy {
  correct: number;
  total: number;
  /** probes longer than the model's positions: counted in `total`, never correct */
  tooLong: number;
  /** correct / total (0 when there are no probes) */
  accuracy: number;
}

export interface KnowledgeReport {
  train: SplitAccuracy;
  heldout: SplitAccuracy;
  /** per group, when probes carry groups (sorted by name) */
  groups?: Record<string, { train: SplitAccuracy; heldout: SplitAccuracy }>;
}

export interface KnowledgeOptions {
  /** probes per forward pass (default 64) */
  batchSize?: number;
  padId?: number;
}

/** Prompt ids and answer ids of a probe: the answer is what encoding `prompt + " " + answer` adds. */
export function probeTokens(
  encode: (text: string) => number[],
  probe: KnowledgeProbe,
): { prompt: number[]; answer: number[] } {
  const prompt = encode(probe.prompt);
  const full = encode(`${probe.prompt} ${probe.answer}`);
  const isPrefix = prompt.every((id, i) => full[i] === id);
  const answer = isPrefix ? full.slice(prompt.length) : encode(` ${probe.answer}`);
  if (prompt.length === 0 || answer.length === 0)
    throw new Error(
      `probe ${JSON.stringify(probe.prompt)} → ${JSON.stringify(probe.answer)}: empty prompt or answer tokens`,
    );
  return { prompt, answer };
}

/**
 * For each probe, whether every answer token is the model's argmax (teacher-forced); null for a
 * probe whose prompt and answer do not fit in the model's positions.
 */
export function probesKnown(
  model: CausalLM,
  encode: (text: string) => number[],
  probes: readonly KnowledgeProbe[],
  options: KnowledgeOptions = {},
): (boolean | null)[] {
  const batchSize = options.batchSize ?? 64;
  const V = model.config.vocabSize;
  const all = probes.map((p) => probeTokens(encode, p));
  const fits = all.map((t) => t.prompt.length + t.answer.length - 1 <= model.config.maxPositions);
  const fitting = all.filter((_, i) => fits[i]);
  const known: boolean[] = [];
  for (let start = 0; start < fitting.length; start += batchSize) {
    const tokens = fitting.slice(start, start + batchSize);
    // input: prompt + all answer tokens but the last; logits where each answer token is predicted
    const batch = makeBatch(
      tokens.map((t) => [...t.prompt, ...t.answer.slice(0, -1)]),
      { padId: options.padId ?? 0, padSide: "right" },
    );
    const positions: LogitPosition[] = tokens.flatMap((t, row) =>
      t.answer.map((_, k) => ({ row, position: t.prompt.length - 1 + k })),
    );
    const { logits } = model.forward(batch, { logits: positions });
    let m = 0;
    for (const t of tokens) {
      let ok = true;
      for (const target of t.answer) ok = argmax(logits, m++ * V, V) === target && ok;
      known.push(ok);
    }
  }
  let next = 0;
  return fits.map((fit) => (fit ? known[next++] : null));
}

function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  for (let i = 1; i < length; i++) if (values[offset + i] > values[offset + best]) best = i;
  return best;
}

export function knowledgeAccuracy(
  model: CausalLM,
  encode: (text: string) => number[],
  probes: readonly KnowledgeProbe[],
  options: KnowledgeOptions = {},
): KnowledgeReport {
  const known = probesKnown(model, encode, probes, options);
  const split = (name: KnowledgeProbe["split"], group?: string): SplitAccuracy => {
    let [correct, total, tooLong] = [0, 0, 0];
    probes.forEach((p, i) => {
      if (p.split !== name || (group !== undefined && p.group !== group)) return;
      total++;
      if (known[i]) correct++;
      if (known[i] === null) tooLong++;
    });
    return { correct, total, tooLong, accuracy: total > 0 ? correct / total : 0 };
  };
  const report: KnowledgeReport = { train: split("train"), heldout: split("heldout") };
  const names = [...new Set(probes.flatMap((p) => (p.group === undefined ? [] : [p.group])))].sort();
  if (names.length > 0)
    report.groups = Object.fromEntries(
      names.map((g) => [g, { train: split("train", g), heldout: split("heldout", g) }]),
    );
  return report;
}
