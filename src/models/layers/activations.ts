// MLP activations and their derivatives:
// GELU, tanh approximation (Hendrycks & Gimpel 2016; GPT-2/GPT-J "gelu_new"):
//   gelu(x) = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³);
// SwiGLU (Shazeer 2020; Llama): y = silu(g)·u with silu(g) = g·σ(g).
import { native } from "../../native/binding.js";

const GELU_C = Math.sqrt(2 / Math.PI);

/** out = gelu(inp), elementwise, through the native kernel. */
export function geluForward(out: Float32Array, inp: Float32Array): void {
  native.geluTanh(inp, out);
}

/** dinp += dout · gelu'(inp). */
export function geluBackward(dinp: Float32Array, dout: Float32Array, inp: Float32Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const x = inp[i];
    const u = GELU_C * (x + 0.044715 * x * x * x);
    const t = Math.tanh(u);
    const du = GELU_C * (1 + 3 * 0.044715 * x * x);
    dinp[i] += dout[i] * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du);
  }
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
