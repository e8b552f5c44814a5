// One fact under causal tracing (Meng et al., NeurIPS 2022, §2.1, Fig. 1; kmeng01/rome
// experiments/causal_trace.py trace_with_patch): a clean run and a corrupted run (noise on the
// subject's embeddings) of the prompt, each over `samples` identical rows, with every layer's
// block output h^l, MLP output m^l = W_out k^l + b and attention output a^l = h^l − h^(l−1) − m^l
// kept at every position. A restoration puts clean values back at some (layer, position) pairs of
// the corrupted run and reads p(answer) at the last position, averaged over the corrupted rows:
//   block: h^l ← clean h^l (then the later layers run on it);
//   mlp:   m^l ← clean m^l (h^l += clean m^l − corrupted m^l);
//   attn:  a^l ← clean a^l (a delta at the attention output, the block run again).
// The layers below the first restored one are never run again: a restoration starts from the
// corrupted run's cached state there. The clean run has as many rows as the corrupted one so that
// every probability comes out of computations of the same shapes: restoring the final hidden state
// everywhere gives the clean probability bit for bit, restoring nothing the corrupted one.
import type { CausalLM } from "../models/causal-lm.js";
import { editSurface } from "../models/edit-surface.js";
import type { Batch, DeltaHook } from "../models/types.js";
import { logSoftmax } from "../runtime/loss.js";
import { matmul, wrap } from "../tensor/index.js";
import { subjectNoise } from "./noise.js";

export type TraceKind = "block" | "mlp" | "attn";
export const TRACE_KINDS: readonly TraceKind[] = ["block", "mlp", "attn"];

/** What one run leaves behind, per layer, for the B·T tokens (N, C) each. */
interface RunStates {
  /** residual stream entering layer 0 (embeddings, noise included for the corrupted run) */
  input: Float32Array;
  out: Float32Array[];
  mlp: Float32Array[];
  attn: Float32Array[];
}

export interface FactRun {
  ids: number[];
  /** subject tokens [start, end) */
  subject: { start: number; end: number };
  answerId: number;
  samples: number;
  noiseStd: number;
  batch: Batch;
  clean: RunStates;
  corrupted: RunStates;
  /** p(answer) of the clean run and of the corrupted run (restoring nothing) */
  cleanProbability: number;
  corruptedProbability: number;
}

/** Clean values put back into the corrupted run: one kind, at these layers, at these positions. */
export interface Restoration {
  kind: TraceKind;
  layers: readonly number[];
  positions: readonly number[];
}

export interface FactRunOptions {
  samples: number;
  /** ν, the noise's standard deviation */
  noiseStd: number;
  seed: number;
  /** the answer token; default the clean run's argmax at the last position */
  answerId?: number;
}

/** MLP outputs W_out k + b (N, C) of `layer` for keys (N, F). */
function mlpOutputs(model: CausalLM, layer: number, keys: Float32Array, N: number): Float32Array {
  const surface = editSurface(model, layer);
  const C = surface.hiddenDim;
  const F = surface.keyDim;
  const W = wrap(model.param(surface.mlpOut.weight), [C, F]);
  const out = matmul(wrap(keys, [N, F]), W, { transB: true }).data; // (N, C) = K Wᵀ
  if (surface.mlpOut.bias) {
    const bias = model.param(surface.mlpOut.bias);
    for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) out[n * C + c] += bias[c];
  }
  return out;
}

/** One block on `x` (N, C): its output and, when asked for, its MLP output. */
function runBlock(
  model: CausalLM,
  batch: Batch,
  layer: number,
  x: Float32Array,
  { deltas = [], needMlp = true }: { deltas?: DeltaHook[]; needMlp?: boolean } = {},
) {
  const trace = model.forward(batch, {
    start: { layer, hidden: x },
    endLayer: layer + 1,
    logits: "none",
    captureLayers: [layer],
    deltas,
  });
  const N = batch.B * batch.T;
  const mlp = needMlp ? mlpOutputs(model, layer, trace.layers[layer]!.key, N) : null;
  return { out: trace.hidden, mlp };
}

function runAll(model: CausalLM, batch: Batch, input: Float32Array): RunStates {
  const states: RunStates = { input, out: [], mlp: [], attn: [] };
  let x = input;
  for (let l = 0; l < model.numLayers; l++) {
    const { out, mlp } = runBlock(model, batch, l, x) as { out: Float32Array; mlp: Float32Array };
    const attn = new Float32Array(out.length); // a^l = h^l − h^(l−1) − m^l
    for (let i = 0; i < out.length; i++) attn[i] = out[i] - x[i] - mlp[i];
    states.out.push(out);
    states.mlp.push(mlp);
    states.attn.push(attn);
    x = out;
  }
  return states;
}

/** p(answer) at each row's last position, from the final hidden state `x` (N, C). */
function answerProbabilities(model: CausalLM, batch: Batch, x: Float32Array, answerId: number): number[] {
  const rows = Array.from({ length: batch.B }, (_, row) => ({ row, position: batch.T - 1 }));
  const { logits } = model.forward(batch, { start: { layer: model.numLayers, hidden: x }, logits: rows });
  const V = model.config.vocabSize;
  return rows.map((_, m) => Math.exp(logSoftmax(logits, m * V, V)[answerId]));
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Runs the clean and the corrupted prompt and keeps what restorations need. */
export function prepareFactRun(
  model: CausalLM,
  ids: readonly number[],
  subject: { start: number; end: number },
  options: FactRunOptions,
): FactRun {
  const { samples, noiseStd, seed } = options;
  const T = ids.length;
  if (!(subject.start >= 0 && subject.start < subject.end && subject.end <= T))
    throw new Error(
      `subject tokens [${subject.start}, ${subject.end}) are not within the prompt's ${T} tokens`,
    );
  const batch: Batch = {
    B: samples,
    T,
    ids: Int32Array.from({ length: samples * T }, (_, n) => ids[n % T]),
    mask: new Uint8Array(samples * T).fill(1),
    positions: Int32Array.from({ length: samples * T }, (_, n) => n % T),
  };
  const C = model.config.hiddenSize;
  const cleanInput = model.embed(batch);
  const corruptedInput = cleanInput.slice();
  const noise = subjectNoise(samples, subject, C, noiseStd, seed);
  const width = subject.end - subject.start;
  for (let s = 0; s < samples; s++)
    for (let t = subject.start; t < subject.end; t++)
      for (let c = 0; c < C; c++)
        corruptedInput[(s * T + t) * C + c] += noise[(s * width + t - subject.start) * C + c];
  const clean = runAll(model, batch, cleanInput);
  const corrupted = runAll(model, batch, corruptedInput);
  const last = model.numLayers - 1;
  let answerId = options.answerId;
  if (answerId === undefined) {
    const { logits } = model.forward(batch, {
      start: { layer: model.numLayers, hidden: clean.out[last] },
      logits: [{ row: 0, position: T - 1 }],
    });
    answerId = logits.indexOf(Math.max(...logits));
  }
  if (!(Number.isInteger(answerId) && answerId >= 0 && answerId < model.config.vocabSize))
    throw new Error(`answer token ${answerId} is outside the vocabulary (${model.config.vocabSize})`);
  return {
    ids: [...ids],
    subject: { ...subject },
    answerId,
    samples,
    noiseStd,
    batch,
    clean,
    corrupted,
    cleanProbability: mean(answerProbabilities(model, batch, clean.out[last], answerId)),
    corruptedProbability: mean(answerProbabilities(model, batch, corrupted.out[last], answerId)),
  };
}

/** Copies rows (every sample, each position in `positions`) of `from` into `to` (N, C). */
function copyPositions(to: Float32Array, from: Float32Array, run: FactRun, positions: readonly number[]) {
  const { B, T } = run.batch;
  const C = to.length / (B * T);
  for (let s = 0; s < B; s++)
    for (const t of positions) to.set(from.subarray((s * T + t) * C, (s * T + t + 1) * C), (s * T + t) * C);
}

function checkRestoration(model: CausalLM, run: FactRun, r: Restoration): void {
  if (!TRACE_KINDS.includes(r.kind))
    throw new Error(`unknown restoration kind '${r.kind}': expected one of ${TRACE_KINDS.join(", ")}`);
  for (const l of r.layers)
    if (!(Number.isInteger(l) && l >= 0 && l < model.numLayers))
      throw new Error(`restored layer ${l} is not a layer of the model (0 … ${model.numLayers - 1})`);
  for (const t of r.positions)
    if (!(Number.isInteger(t) && t >= 0 && t < run.batch.T))
      throw new Error(`restored position ${t} is not a position of the prompt (0 … ${run.batch.T - 1})`);
}

/** p(answer) of the corrupted run with `restoration`'s clean values put back (mean over rows). */
export function restoredProbability(model: CausalLM, run: FactRun, restoration: Restoration): number {
  checkRestoration(model, run, restoration);
  const { kind, positions } = restoration;
  const layers = new Set(restoration.layers);
  const L = model.numLayers;
  const { batch, clean, corrupted } = run;
  if (layers.size === 0 || positions.length === 0)
    return mean(answerProbabilities(model, batch, corrupted.out[L - 1], run.answerId));
  const first = Math.min(...layers);
  let x: Float32Array;
  let from: number;
  if (kind === "block") {
    x = corrupted.out[first].slice();
    copyPositions(x, clean.out[first], run, positions);
    from = first + 1;
  } else {
    x = first === 0 ? corrupted.input : corrupted.out[first - 1];
    from = first;
  }
  const C = model.config.hiddenSize;
  const T = batch.T;
  for (let l = from; l < L; l++) {
    const restoreHere = layers.has(l);
    const ran = runBlock(model, batch, l, x, { needMlp: restoreHere && kind !== "block" });
    const mlp = ran.mlp;
    let out = ran.out;
    if (restoreHere) {
      if (kind === "block") copyPositions(out, clean.out[l], run, positions);
      else if (kind === "mlp") {
        for (let s = 0; s < batch.B; s++)
          for (const t of positions)
            for (let c = 0, n = (s * T + t) * C; c < C; c++, n++) out[n] += clean.mlp[l][n] - mlp![n];
      } else {
        const deltas: DeltaHook[] = [];
        for (let s = 0; s < batch.B; s++)
          for (const t of positions) {
            const vector = new Float32Array(C); // clean a^l − this run's a^l
            for (let c = 0, n = (s * T + t) * C; c < C; c++, n++)
              vector[c] = clean.attn[l][n] - (out[n] - x[n] - mlp![n]);
            deltas.push({ layer: l, site: "attn", row: s, position: t, vector });
          }
        out = runBlock(model, batch, l, x, { deltas, needMlp: false }).out;
      }
    }
    x = out;
  }
  return mean(answerProbabilities(model, batch, x, run.answerId));
}
