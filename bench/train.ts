// Training-step rows: one optimisation step (forward keeping activations, mean next-token
// cross-entropy, full backward to every parameter, global-norm clipping, AdamW) of a GPT-2 with a
// tied head on random rows, in tokens/s, beside the same step in PyTorch
// (bench/python/train_torch.py) with the same threads. Two shapes: tiny-facts' (4 layers, d 128,
// 4 heads, FFN 512, vocabulary 2048; 16 rows of 64 tokens) and facts-8l's (8 layers, d 256, 4
// heads, FFN 1024, vocabulary 4096; 8 rows of 128 tokens).
import { CausalLM } from "../src/models/causal-lm.js";
import { AdamW } from "../src/training/adamw.js";
import { makeTrainingBatch } from "../src/training/data.js";
import { GradientBuffers } from "../src/training/gradients.js";
import { configForShape, initialParams } from "../src/training/model-setup.js";
import { optimizedTensors } from "../src/training/trainer.js";
import { trainStep } from "../src/training/train-step.js";
import { createRng } from "../src/util/random.js";
import { runPythonBaseline } from "./baselines.js";
import type { BenchContext } from "./options.js";
import { makeRow, type Row } from "./report.js";
import { medianSeconds } from "./timing.js";

interface TrainCase {
  name: string;
  B: number;
  T: number;
  layers: number;
  dim: number;
  ffn: number;
  vocab: number;
}

const CASES: TrainCase[] = [
  { name: "train step gpt2 4x128 (16x64)", B: 16, T: 64, layers: 4, dim: 128, ffn: 512, vocab: 2048 },
  {
    name: "train step gpt2 8x256 ffn1024 (8x128)",
    B: 8,
    T: 128,
    layers: 8,
    dim: 256,
    ffn: 1024,
    vocab: 4096,
  },
];
const LR = 1e-3;
export const TRAIN_ROW_NAMES = CASES.map((c) => c.name);

export function trainRows(ctx: BenchContext): Row[] {
  return CASES.filter((c) => ctx.selected(c.name)).map((c) => trainRow(ctx, c));
}

function trainRow(ctx: BenchContext, { name: NAME, B, T, layers, dim, ffn, vocab: VOCAB }: TrainCase): Row {
  const SHAPE = { arch: "gpt2" as const, layers, dim, heads: 4, ffn, maxPositions: T };
  const config = configForShape(SHAPE, VOCAB, { bos: 0, eos: 0 });
  const model = new CausalLM(config, initialParams(config, 1));
  const grads = new GradientBuffers(model);
  const optimizer = new AdamW(optimizedTensors(model), {
    beta1: 0.9,
    beta2: 0.95,
    eps: 1e-8,
    weightDecay: 0.1,
  });
  const rng = createRng(2);
  const rows = Array.from({ length: B }, () => Int32Array.from({ length: T + 1 }, () => rng.int(VOCAB)));
  const data = makeTrainingBatch(rows, 0);
  const reps = ctx.quick ? { warmup: 1, reps: 3 } : { warmup: 3, reps: 10 };
  ctx.log(`  ${NAME}: locedit`);
  const ours = medianSeconds(() => {
    const { loss } = trainStep(model, data, grads, optimizer, LR, 1);
    if (!Number.isFinite(loss)) throw new Error(`bench: training loss ${loss}`);
  }, reps);
  ctx.log(`  ${NAME}: PyTorch baseline`);
  const baseline = runPythonBaseline<{ step: number }>(
    "train_torch.py",
    {
      config: {
        vocabSize: VOCAB,
        hiddenSize: config.hiddenSize,
        numLayers: config.numLayers,
        numHeads: config.numHeads,
        intermediateSize: config.intermediateSize,
        maxPositions: config.maxPositions,
        layerNormEpsilon: 1e-5,
      },
      B,
      T,
      threads: ctx.threads,
      lr: LR,
      ...reps,
    },
    ctx.threads,
    600,
  );
  if (baseline.ok) ctx.environments.push(`PyTorch (train): ${JSON.stringify(baseline.environment)}`);
  const note = baseline.ok
    ? "both sides: forward (logits at all B·T positions), mean next-token cross-entropy, full backward, " +
      "clip_grad_norm 1.0, AdamW (decay 0.1 on non-embedding matrices); tokens/s = B·T / median step time"
    : `no PyTorch baseline: ${baseline.reason}`;
  return makeRow(
    NAME,
    (B * T) / ours,
    baseline.ok ? (B * T) / baseline.results.step : null,
    "tokens/s",
    "higher",
    note,
  );
}
