// The MLP sublayer and its "key" (ROME, Meng et al. 2022, §3: the MLP output projection's input
// k is the key, W_out·k the value). Two variants:
//   GELU MLP (GPT-2, GPT-J: tanh GELU; GPT-NeoX: exact GELU):
//                            key = gelu(W_in·x + b_in), out = W_out·key + b_out;
//   SwiGLU (Llama):          key = silu(W_gate·x)·(W_up·x), out = W_down·key.
import {
  geluBackward,
  geluErfBackward,
  geluErfForward,
  geluForward,
  swigluBackward,
  swigluForward,
} from "./activations.js";
import { linearBackward, linearForward } from "./linear.js";
import type { Weight } from "./weight.js";

/** W: the parameters (float32 or kept 16-bit), or Float32Array for gradient buffers laid out alike. */
export interface GeluMlpWeights<W extends Weight = Weight> {
  kind: "gelu";
  fcIn: W;
  fcInBias: W | null;
  fcOut: W;
  fcOutBias: W | null;
  /** the exact (erf) GELU instead of the tanh approximation */
  exact?: boolean;
}

export interface GluMlpWeights<W extends Weight = Weight> {
  kind: "swiglu";
  gate: W;
  up: W;
  down: W;
  gateBias: W | null;
  upBias: W | null;
  downBias: W | null;
}

export type MlpWeights<W extends Weight = Weight> = GeluMlpWeights<W> | GluMlpWeights<W>;

export interface MlpSaved {
  /** pre-activation(s): gelu input, or gate and up */
  pre: Float32Array;
  up: Float32Array | null;
  key: Float32Array;
}

/**
 * Returns the MLP output (N, C) and the saved key (N, F). With `residual`, the output projection
 * accumulates into it (in place) and `out` is residual + MLP.
 */
export function mlpForward(
  inp: Float32Array,
  w: MlpWeights,
  N: number,
  C: number,
  F: number,
  residual?: Float32Array,
): { out: Float32Array; saved: MlpSaved } {
  const pre = new Float32Array(N * F);
  const key = new Float32Array(N * F);
  const out = residual ?? new Float32Array(N * C);
  const accumulate = residual !== undefined;
  if (w.kind === "gelu") {
    linearForward(pre, inp, w.fcIn, w.fcInBias, N, C, F);
    if (w.exact) geluErfForward(key, pre);
    else geluForward(key, pre);
    linearForward(out, key, w.fcOut, w.fcOutBias, N, F, C, accumulate);
    return { out, saved: { pre, up: null, key } };
  }
  const up = new Float32Array(N * F);
  linearForward(pre, inp, w.gate, w.gateBias, N, C, F);
  linearForward(up, inp, w.up, w.upBias, N, C, F);
  swigluForward(key, pre, up, N * F);
  linearForward(out, key, w.down, w.downBias, N, F, C, accumulate);
  return { out, saved: { pre, up, key } };
}

/** Accumulates (+=) into dinp (N, C), and into g (gradients laid out like w) when given. */
export function mlpBackward(
  dinp: Float32Array,
  dout: Float32Array,
  inp: Float32Array,
  saved: MlpSaved,
  w: MlpWeights,
  g: MlpWeights<Float32Array> | null,
  N: number,
  C: number,
  F: number,
): void {
  const dkey = new Float32Array(N * F);
  if (w.kind === "gelu") {
    const gg = g?.kind === "gelu" ? g : null;
    linearBackward(dkey, gg?.fcOut ?? null, gg?.fcOutBias ?? null, dout, saved.key, w.fcOut, N, F, C);
    const dpre = new Float32Array(N * F);
    if (w.exact) geluErfBackward(dpre, dkey, saved.pre, N * F);
    else geluBackward(dpre, dkey, saved.pre, N * F);
    linearBackward(dinp, gg?.fcIn ?? null, gg?.fcInBias ?? null, dpre, inp, w.fcIn, N, C, F);
    return;
  }
  const gg = g?.kind === "swiglu" ? g : null;
  linearBackward(dkey, gg?.down ?? null, gg?.downBias ?? null, dout, saved.key, w.down, N, F, C);
  const dgate = new Float32Array(N * F);
  const dup = new Float32Array(N * F);
  swigluBackward(dgate, dup, dkey, saved.pre, saved.up as Float32Array, N * F);
  linearBackward(dinp, gg?.gate ?? null, gg?.gateBias ?? null, dgate, inp, w.gate, N, C, F);
  linearBackward(dinp, gg?.up ?? null, gg?.upBias ?? null, dup, inp, w.up, N, C, F);
}
