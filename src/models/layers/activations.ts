// MLP activations and their derivatives:
// GELU, tanh approximation (Hendrycks & Gimpel 2016; GPT-2/GPT-J "gelu_new"):
//   gelu(x) = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³);
// SwiGLU (Shazeer 2020; Llama): y = silu(g)·u with silu(g) = g·σ(g).
import { native } from "../../native/binding.js";

/** out = gelu(inp), elementwise, through the native kernel. */
export function geluForward(out: Float32Array, inp: Float32Array): void {
  native.geluTanh(inp, out);
}

/** dinp += dout · gelu'(inp) over the first `count` entries, through the native kernel. */
export function geluBackward(dinp: Float32Array, dout: Float32Array, inp: Float32Array, count: number): void {
  native.geluTanhBackward(dinp, dout, count === inp.length ? inp : inp.subarray(0, count));
}

/** out = silu(gate)·up, elementwise. */
export function swigluForward(out: Float32Array, gate: Float32Array, up: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const g = gate[i];
    out[i] = (g / (1 + Math.exp(-g))) * up[i];
  }
}

/** dgate += dout·up·silu'(gate); dup += dout·silu(gate). */
export function swigluBackward(
  dgate: Float32Array,
  dup: Float32Array,
  dout: Float32Array,
  gate: Float32Array,
  up: Float32Array,
  count: number,
): void {
  for (let i = 0; i < count; i++) {
    const g = gate[i];
    const sig = 1 / (1 + Math.exp(-g));
    const silu = g * sig;
    dgate[i] += dout[i] * up[i] * (sig + silu * (1 - sig));
    dup[i] += dout[i] * silu;
  }
}
