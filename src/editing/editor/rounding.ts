// What saving an edit in a 16-bit dtype keeps of it (issue 12 §1). The edited matrices are held in
// float32 while editing (CausalLM.param), so small updates survive; writing W' = W + ΔW as F16 or
// BF16 rounds it to round(W'), which drops the part of ΔW below the dtype's resolution at |W|.
// Measured per weight as the relative norm of ΔW lost, ‖round(W') − W'‖ / ‖ΔW‖, and on the model
// as the efficacy of the edited requests (CounterFact: NLL(target_new) < NLL(target_true) on the
// rewrite prompt) and the mean probability of target_new, with float32 W' and with round(W').
import type { WritableDtype } from "../../io/dtypes.js";
import { float32BitsToBfloat16Bits, float32BitsToFloat16Bits, float16BitsToNumber } from "../../io/dtypes.js";
import type { CausalLM } from "../../models/causal-lm.js";
import { HalfTensor } from "../../models/layers/weight.js";
import { scoreContinuation } from "../../runtime/score.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import type { WeightSnapshot } from "../apply-deltas.js";
import type { EditRequest } from "../requests/types.js";

export interface WeightRounding {
  weight: string;
  dtype: WritableDtype;
  /** ‖ΔW‖ in float32 (W' − W) */
  delta_norm: number;
  /** ‖round(W') − W'‖ */
  lost_norm: number;
  /** lost_norm / delta_norm */
  lost_fraction: number;
}

export interface RoundingLoss {
  weights: WeightRounding[];
  /** the largest lost_fraction */
  worst: number;
  /** % of requests with a target_true whose rewrite prompt prefers target_new (null: none has one) */
  efficacy: { float32: number | null; rounded: number | null };
  /** mean probability of target_new after the rewrite prompt */
  target_probability: { float32: number; rounded: number };
}

/** A copy of `values` rounded to `dtype` (to nearest, ties to even) and widened back. */
export function roundedTo(values: Float32Array, dtype: WritableDtype): Float32Array {
  const out = Float32Array.from(values);
  if (dtype === "F32") return out;
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) {
    if (dtype === "BF16") bits[i] = float32BitsToBfloat16Bits(bits[i]) << 16;
    else out[i] = float16BitsToNumber(float32BitsToFloat16Bits(bits[i]));
  }
  return out;
}

/**
 * The rounding loss of every weight the snapshot holds an original of, written in `dtypeOf(name)`;
 * null when none is written in a 16-bit dtype. The model is left exactly as it was.
 */
export function measureRoundingLoss(
  model: CausalLM,
  tokenizer: Tokenizer,
  requests: readonly EditRequest[],
  snapshot: WeightSnapshot,
  dtypeOf: (weight: string) => WritableDtype,
): RoundingLoss | null {
  const rounded = snapshot.touched.filter((name) => dtypeOf(name) !== "F32");
  if (rounded.length === 0) return null;
  const weights: WeightRounding[] = [];
  const roundedValues = new Map<string, Float32Array>();
  for (const name of rounded) {
    const current = model.param(name);
    const kept = snapshot.original(name)!;
    const original = kept instanceof HalfTensor ? kept.toFloat32() : kept;
    const narrow = roundedTo(current, dtypeOf(name));
    let delta = 0;
    let lost = 0;
    for (let i = 0; i < current.length; i++) {
      delta += (current[i] - original[i]) ** 2;
      lost += (narrow[i] - current[i]) ** 2;
    }
    const [deltaNorm, lostNorm] = [Math.sqrt(delta), Math.sqrt(lost)];
    weights.push({
      weight: name,
      dtype: dtypeOf(name),
      delta_norm: deltaNorm,
      lost_norm: lostNorm,
      lost_fraction: deltaNorm > 0 ? lostNorm / deltaNorm : 0,
    });
    roundedValues.set(name, narrow);
  }
  const float32 = scoreRequests(model, tokenizer, requests);
  const kept = new Map<string, Float32Array>(); // the float32 W', put back after scoring round(W')
  for (const [name, narrow] of roundedValues) {
    kept.set(name, model.param(name).slice());
    model.param(name).set(narrow);
  }
  const after = scoreRequests(model, tokenizer, requests);
  for (const [name, values] of kept) model.param(name).set(values);
  return {
    weights,
    worst: Math.max(...weights.map((w) => w.lost_fraction)),
    efficacy: { float32: float32.efficacy, rounded: after.efficacy },
    target_probability: { float32: float32.probability, rounded: after.probability },
  };
}

function scoreRequests(model: CausalLM, tokenizer: Tokenizer, requests: readonly EditRequest[]) {
  let wins = 0;
  let withTrue = 0;
  let probability = 0;
  for (const request of requests) {
    const prompt = request.prompt.replace("{}", request.subject);
    const score = (target: string) => scoreContinuation(model, tokenizer, prompt, target);
    const target = score(request.targetNew);
    probability += Math.exp(target.logprob);
    if (request.targetTrue === undefined) continue;
    const other = score(request.targetTrue);
    withTrue++;
    // CounterFact compares mean per-token NLLs
    if (-target.logprob / target.tokens.length < -other.logprob / other.tokens.length) wins++;
  }
  return {
    efficacy: withTrue > 0 ? (100 * wins) / withTrue : null,
    probability: probability / Math.max(1, requests.length),
  };
}
