// GPT-2-124M rows on a random-weight model, batch 8×128, versus a plain PyTorch GPT-2 of the
// same shape (bench/python/gpt2_torch.py) with the same thread count:
//  - forward, logits at every position (what PyTorch computes), tokens/s;
//  - forward with logits only at each row's last position: an exact saving (same hidden states,
//    fewer LM-head rows), compared with the same full-logits PyTorch forward;
//  - backward from a summed cross-entropy at a few positions to a delta added to block 8's
//    output (ROME/MEMIT's δ), seconds, and forward + backward, seconds;
//  - greedy generation of 64 tokens after a 16-token prompt with the KV cache, new tokens/s,
//    versus a PyTorch loop carrying its own past keys/values.
import type { CausalLM, LogitPosition } from "../src/models/causal-lm.js";
import type { Batch, DeltaHook } from "../src/models/types.js";
import { generate } from "../src/runtime/generate.js";
import { crossEntropy } from "../src/runtime/loss.js";
import { createRng } from "../src/util/random.js";
import { runPythonBaseline } from "./baselines.js";
import { GPT2_124M, randomBatch, randomModel } from "./model.js";
import type { BenchContext } from "./options.js";
import { makeRow, type Row } from "./report.js";
import { median, medianSeconds, now } from "./timing.js";

const B = 8;
const T = 128;
const DELTA_LAYER = 8;
const GENERATE = { promptLength: 16, newTokens: 64 };
const NAMES = {
  forward: "forward gpt2-124M 8x128",
  forwardLast: "forward gpt2-124M 8x128 (last-position logits)",
  backward: "backward to delta at layer 8 (gpt2-124M 8x128)",
  forwardBackward: "forward+backward to delta at layer 8 (gpt2-124M 8x128)",
  generate: "generate gpt2-124M 1x(16+64)",
};
export const GPT2_ROW_NAMES = Object.values(NAMES);

/** Where the loss reads (row, position) and the target token there. */
const LOSS_POSITIONS: LogitPosition[] = [
  { row: 0, position: 127 },
  { row: 0, position: 64 },
  { row: 3, position: 127 },
  { row: 7, position: 127 },
];
const DELTA_AT = { row: 0, position: 5 };

interface Timings {
  forward?: number;
  forwardLast?: number;
  backward?: number;
  forwardBackward?: number;
  generate?: number;
}

function lossTargets(): Int32Array {
  const rng = createRng(5);
  return Int32Array.from(LOSS_POSITIONS, () => rng.int(GPT2_124M.vocabSize));
}

function checkFinite(values: Float32Array, what: string): void {
  for (let i = 0; i < values.length; i += 997)
    if (!Number.isFinite(values[i])) throw new Error(`bench: ${what} has a non-finite value at ${i}`);
}

/** Median seconds of the backward alone and of forward + backward, timed in the same passes. */
function timeBackward(model: CausalLM, batch: Batch, ctx: BenchContext): [number, number] {
  const rng = createRng(3);
  const delta: DeltaHook = {
    layer: DELTA_LAYER,
    site: "block",
    ...DELTA_AT,
    vector: rng.fillNormal(new Float32Array(GPT2_124M.hiddenSize), 0, 0.01),
  };
  const targets = lossTargets();
  const backward: number[] = [];
  const total: number[] = [];
  const { warmup, reps } = ctx.modelReps;
  for (let rep = 0; rep < warmup + reps; rep++) {
    const start = now();
    const trace = model.forward(batch, {
      keepActivations: { fromLayer: DELTA_LAYER + 1 },
      deltas: [delta],
      logits: LOSS_POSITIONS,
    });
    const { dlogits } = crossEntropy(trace.logits, GPT2_124M.vocabSize, targets);
    const middle = now();
    const { dOut } = model.backward(trace, dlogits, { downTo: DELTA_LAYER, through: false });
    const end = now();
    if (rep >= warmup) {
      backward.push(end - middle);
      total.push(end - start);
    }
    const at = (DELTA_AT.row * T + DELTA_AT.position) * GPT2_124M.hiddenSize;
    checkFinite(dOut.subarray(at, at + GPT2_124M.hiddenSize), "the delta gradient");
  }
  return [median(backward), median(total)];
}

function timeOurs(ctx: BenchContext, want: Set<keyof Timings>): Timings {
  const built = now();
  const model = randomModel(GPT2_124M);
  const batch = randomBatch(B, T, GPT2_124M.vocabSize);
  ctx.log(`  built a random GPT-2-124M in ${(now() - built).toFixed(1)} s`);
  const timings: Timings = {};
  if (want.has("forward")) {
    ctx.log(`  ${NAMES.forward}: locedit`);
    timings.forward = medianSeconds(() => checkFinite(model.forward(batch).logits, "logits"), ctx.modelReps);
  }
  if (want.has("forwardLast")) {
    ctx.log(`  ${NAMES.forwardLast}: locedit`);
    const last = Array.from({ length: B }, (_, row) => ({ row, position: T - 1 }));
    timings.forwardLast = medianSeconds(
      () => checkFinite(model.forward(batch, { logits: last }).logits, "logits"),
      ctx.modelReps,
    );
  }
  if (want.has("backward") || want.has("forwardBackward")) {
    ctx.log(`  ${NAMES.backward}: locedit`);
    [timings.backward, timings.forwardBackward] = timeBackward(model, batch, ctx);
  }
  if (want.has("generate")) {
    ctx.log(`  ${NAMES.generate}: locedit`);
    const rng = createRng(17);
    const prompt = Array.from({ length: GENERATE.promptLength }, () => rng.int(GPT2_124M.vocabSize));
    timings.generate = medianSeconds(() => {
      const [ids] = generate(model, [prompt], { maxNewTokens: GENERATE.newTokens });
      if (ids.length !== GENERATE.newTokens) throw new Error(`bench: generate returned ${ids.length} tokens`);
    }, ctx.modelReps);
  }
  return timings;
}

export function gpt2Rows(ctx: BenchContext): Row[] {
  const want = new Set((Object.keys(NAMES) as (keyof Timings)[]).filter((key) => ctx.selected(NAMES[key])));
  if (want.size === 0) return [];
  const ours = timeOurs(ctx, want);
  const modes = [];
  if (want.has("forward") || want.has("forwardLast")) modes.push("forward");
  if (want.has("backward") || want.has("forwardBackward")) modes.push("backward");
  if (want.has("generate")) modes.push("generate");
  ctx.log(`  gpt2: PyTorch baseline (${modes.join(", ")})`);
  const targets = lossTargets();
  const baseline = runPythonBaseline<Timings>(
    "gpt2_torch.py",
    {
      config: GPT2_124M,
      B,
      T,
      threads: ctx.threads,
      ...ctx.modelReps,
      modes,
      delta: { layer: DELTA_LAYER, ...DELTA_AT },
      loss: LOSS_POSITIONS.map((p, i) => [p.row, p.position, targets[i]]),
      generate: GENERATE,
    },
    ctx.threads,
    600,
  );
  if (baseline.ok) ctx.environments.push(`PyTorch: ${JSON.stringify(baseline.environment)}`);
  const missing = baseline.ok ? undefined : `no PyTorch baseline: ${baseline.reason}`;
  const theirs = (key: keyof Timings) => (baseline.ok ? (baseline.results[key] ?? null) : null);
  const tokensPerSecond = (seconds: number | null) => (seconds === null ? null : (B * T) / seconds);
  const rows: Row[] = [];
  if (ours.forward !== undefined)
    rows.push(
      makeRow(
        NAMES.forward,
        (B * T) / ours.forward,
        tokensPerSecond(theirs("forward")),
        "tokens/s",
        "higher",
        missing,
      ),
    );
  if (ours.forwardLast !== undefined)
    rows.push(
      makeRow(
        NAMES.forwardLast,
        (B * T) / ours.forwardLast,
        tokensPerSecond(theirs("forward")),
        "tokens/s",
        "higher",
        missing ??
          "exact saving, not a faster kernel: locedit computes LM-head logits only at each row's last " +
            "position (8 rows); the baseline is the same full-logits PyTorch forward as the row above",
      ),
    );
  const lossNote =
    `loss = Σ cross-entropy at ${LOSS_POSITIONS.length} positions; both sides gather those hidden states ` +
    `before ln_f + LM head; PyTorch parameters frozen (requires_grad=False), so neither side ` +
    `computes weight gradients; ours stops at block 8's output (downTo 8, through false)`;
  if (ours.backward !== undefined && want.has("backward"))
    rows.push(makeRow(NAMES.backward, ours.backward, theirs("backward"), "s", "lower", missing ?? lossNote));
  if (ours.forwardBackward !== undefined && want.has("forwardBackward"))
    rows.push(
      makeRow(
        NAMES.forwardBackward,
        ours.forwardBackward,
        theirs("forwardBackward"),
        "s",
        "lower",
        missing ??
          "ours: forward keeping the activations of the blocks above the delta (keepActivations from layer 9) + " +
            "cross-entropy + backward; PyTorch records its graph from block 8's delta upwards only",
      ),
    );
  if (ours.generate !== undefined) {
    const seconds = theirs("generate");
    rows.push(
      makeRow(
        NAMES.generate,
        GENERATE.newTokens / ours.generate,
        seconds === null ? null : GENERATE.newTokens / seconds,
        "tokens/s",
        "higher",
        missing ??
          "greedy, batch 1: a 16-token prefill then 63 one-token steps, both sides with a KV cache " +
            "(PyTorch: past keys/values grown by torch.cat, as Hugging Face's DynamicCache); new tokens per second " +
            "of the whole call. Decoding is one-row products: a torch build whose BLAS is slow at those (Debian's " +
            "1.13, BLAS_INFO=generic: ≈ 75 ms per LM-head product) makes this ratio flatter locedit",
      ),
    );
  }
  return rows;
}
