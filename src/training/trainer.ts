// The training loop: tokenizer from the documents, seeded model, then `steps` updates of
// AdamW + warm-up/cosine schedule + global-norm clipping on per-document batches in seeded order,
// with atomic checkpoints every `checkpointEvery` steps and resume from the newest one. A resumed
// run continues bit for bit where an uninterrupted one would be (weights, moments, data order).
// Progress goes to an injected callback; nothing here prints.
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { CausalLM } from "../models/causal-lm.js";
import { AdamW, type OptimizedTensor } from "./adamw.js";
import {
  checkFingerprint,
  latestCheckpoint,
  loadTrainingCheckpoint,
  saveTrainingCheckpoint,
  type TrainerState,
} from "./checkpoint.js";
import { DataOrder, makeTrainingBatch, tokenizeDocuments } from "./data.js";
import { GradientBuffers } from "./gradients.js";
import { configForShape, initialParams, type ModelShape } from "./model-setup.js";
import { learningRateAt } from "./schedule.js";
import { buildTokenizer, END_OF_TEXT, type BuiltTokenizer } from "./tokenizer-builder.js";
import { trainStep } from "./train-step.js";

export interface TrainHyperparameters {
  steps: number;
  /** documents per batch */
  batchSize: number;
  /** longest input sequence; also the model's number of positions */
  seqLen: number;
  /** peak learning rate */
  lr: number;
  warmup: number;
  /** cosine floor as a fraction of lr */
  minLrRatio: number;
  weightDecay: number;
  /** global gradient-norm limit; 0 disables clipping */
  clip: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** standard deviation of the initial matrices */
  initStd: number;
}

export const DEFAULT_HYPERPARAMETERS: TrainHyperparameters = {
  steps: 1000,
  batchSize: 16,
  seqLen: 64,
  lr: 1e-3,
  warmup: 100,
  minLrRatio: 0.1,
  weightDecay: 0.1,
  clip: 1,
  beta1: 0.9,
  beta2: 0.95,
  eps: 1e-8,
  initStd: 0.02,
};

export type TrainEvent =
  | { type: "data"; vocabSize: number; examples: number; tokens: number }
  | { type: "resume"; path: string; step: number }
  | {
      type: "step";
      step: number;
      totalSteps: number;
      loss: number;
      lr: number;
      gradNorm: number;
      tokensSeen: number;
      /** this segment's throughput (since start or resume) */
      tokensPerSecond: number;
      elapsedMs: number;
      etaMs: number;
    }
  | { type: "checkpoint"; path: string; step: number };

export interface TrainOptions {
  documents: readonly string[];
  /** tokenizer vocabulary, `<|endoftext|>` included */
  vocabSize: number;
  shape: Omit<ModelShape, "maxPositions">;
  hparams: TrainHyperparameters;
  /** seeds the initial weights and the data order */
  seed: number;
  checkpointDir?: string;
  /** 0: never */
  checkpointEvery?: number;
  /** continue from the newest checkpoint in checkpointDir, if any */
  resume?: boolean;
  onEvent?: (event: TrainEvent) => void;
}

export interface TrainResult {
  model: CausalLM;
  tokenizer: BuiltTokenizer;
  state: TrainerState;
  resumedFrom: string | null;
  /** throughput of this call (since start or resume) */
  tokensPerSecond: number;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** AdamW's tensors: every stored parameter; decay only on matrices that are not embeddings. */
export function optimizedTensors(model: CausalLM): OptimizedTensor[] {
  const embeddings = new Set([model.arch.embedding.tokens, model.arch.embedding.positions]);
  return model.specs
    .filter((spec) => !spec.tiedTo)
    .map((spec) => ({
      name: spec.name,
      param: model.param(spec.name),
      decay: spec.shape.length === 2 && !embeddings.has(spec.name),
    }));
}

export function trainModel(options: TrainOptions): TrainResult {
  const { hparams, seed, onEvent } = options;
  const tokenizer = buildTokenizer(options.documents, {
    vocabSize: options.vocabSize,
    modelMaxLength: hparams.seqLen,
  });
  const eos = tokenizer.encoder.specialId(END_OF_TEXT);
  const examples = tokenizeDocuments(
    options.documents,
    (t) => tokenizer.encoder.encode(t),
    eos,
    hparams.seqLen,
  );
  onEvent?.({
    type: "data",
    vocabSize: tokenizer.encoder.vocabSize,
    examples: examples.length,
    tokens: examples.reduce((n, ex) => n + ex.length - 1, 0),
  });
  const shape: ModelShape = { ...options.shape, maxPositions: hparams.seqLen };
  const fingerprint = {
    shape,
    hparams,
    seed,
    vocabSize: options.vocabSize,
    documents: sha256(options.documents.join("\n")),
    tokenizer: sha256(tokenizer.files["tokenizer.json"]),
  };
  const resumePath = options.resume && options.checkpointDir ? latestCheckpoint(options.checkpointDir) : null;
  let model: CausalLM;
  let optimizer: AdamW;
  let state: TrainerState;
  const adamw = {
    beta1: hparams.beta1,
    beta2: hparams.beta2,
    eps: hparams.eps,
    weightDecay: hparams.weightDecay,
  };
  if (resumePath) {
    const loaded = loadTrainingCheckpoint(resumePath);
    checkFingerprint(loaded.state.fingerprint, fingerprint, resumePath);
    model = loaded.model;
    optimizer = new AdamW(optimizedTensors(model), adamw);
    loaded.restoreOptimizer(optimizer);
    state = loaded.state;
    onEvent?.({ type: "resume", path: resumePath, step: state.step });
  } else {
    const config = configForShape(shape, tokenizer.encoder.vocabSize, { bos: eos, eos });
    model = new CausalLM(config, initialParams(config, seed, hparams.initStd));
    optimizer = new AdamW(optimizedTensors(model), adamw);
    state = { step: 0, tokensSeen: 0, losses: [], elapsedMs: 0, fingerprint };
  }
  const grads = new GradientBuffers(model);
  const order = new DataOrder(
    examples.map((ex) => ex.length),
    hparams.batchSize,
    seed,
  );
  const schedule = {
    peak: hparams.lr,
    warmupSteps: hparams.warmup,
    totalSteps: hparams.steps,
    minRatio: hparams.minLrRatio,
  };
  const started = performance.now();
  const [startStep, startElapsed] = [state.step, state.elapsedMs];
  let segmentTokens = 0;
  while (state.step < hparams.steps) {
    const data = makeTrainingBatch(
      order.batchAt(state.step).map((i) => examples[i]),
      eos,
    );
    const stats = trainStep(
      model,
      data,
      grads,
      optimizer,
      learningRateAt(state.step, schedule),
      hparams.clip,
    );
    state.step++;
    state.tokensSeen += stats.tokens;
    state.losses.push(stats.loss);
    segmentTokens += stats.tokens;
    const segmentMs = performance.now() - started;
    state.elapsedMs = startElapsed + segmentMs;
    const msPerStep = segmentMs / (state.step - startStep);
    onEvent?.({
      type: "step",
      step: state.step,
      totalSteps: hparams.steps,
      loss: stats.loss,
      lr: stats.lr,
      gradNorm: stats.gradNorm,
      tokensSeen: state.tokensSeen,
      tokensPerSecond: (segmentTokens * 1000) / segmentMs,
      elapsedMs: state.elapsedMs,
      etaMs: msPerStep * (hparams.steps - state.step),
    });
    const every = options.checkpointEvery ?? 0;
    if (options.checkpointDir && every > 0 && state.step % every === 0 && state.step < hparams.steps) {
      const path = saveTrainingCheckpoint(options.checkpointDir, {
        model,
        optimizer,
        state,
        tokenizerFiles: tokenizer.files,
      });
      onEvent?.({ type: "checkpoint", path, step: state.step });
    }
  }
  const segmentMs = performance.now() - started;
  return {
    model,
    tokenizer,
    state,
    resumedFrom: resumePath,
    tokensPerSecond: segmentMs > 0 ? (segmentTokens * 1000) / segmentMs : 0,
  };
}
