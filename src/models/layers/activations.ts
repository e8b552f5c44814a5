// MLP activations and their derivatives:
// GELU, tanh approximation (Hendrycks & Gimpel 2016; GPT-2/GPT-J "gelu_new"):
//   gelu(x) = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³);
// GELU exact (GPT-NeoX/Pythia "gelu"): gelu(x) = x·Φ(x) = 0.5·x·(1 + erf(x/√2)),
//   gelu'(x) = Φ(x) + x·φ(x), φ the standard normal density;
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

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * erf(x) in float64 (absolute error ~1e-14): its Maclaurin series
 * 2/√π Σ (−1)ⁿ x^(2n+1) / (n!(2n+1)) for |x| < 2.5, else 1 − erfc(|x|) from Laplace's continued
 * fraction erfc(z) = e^(−z²)/√π · 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + …)))).
 */
export function erf(x: number): number {
  const z = Math.abs(x);
  const sign = x < 0 ? -1 : 1;
  if (z < 2.5) {
    const z2 = z * z;
    let power = z; // (−1)ⁿ z^(2n+1) / n!
    let sum = z;
    for (let n = 1; n < 80; n++) {
      power *= -z2 / n;
      const term = power / (2 * n + 1);
      sum += term;
      if (Math.abs(term) < 1e-17) break;
    }
    return sign * TWO_OVER_SQRT_PI * sum;
  }
  let fraction = z; // evaluated from the 80th partial denominator up
  for (let k = 80; k >= 1; k--) fraction = z + k / 2 / fraction;
  return sign * (1 - Math.exp(-z * z) / (Math.sqrt(Math.PI) * fraction));
}

/** out = x·Φ(x) (exact GELU) over the first `count` entries. */
export function geluErfForward(out: Float32Array, inp: Float32Array, count = inp.length): void {
  for (let i = 0; i < count; i++) out[i] = 0.5 * inp[i] * (1 + erf(inp[i] * Math.SQRT1_2));
}

/** dinp += dout · (Φ(x) + x·φ(x)) over the first `count` entries. */
export function geluErfBackward(dinp: Float32Array, dout: Float32Array, inp: Float32Array, count: number): void {
  const invSqrt2Pi = 1 / Math.sqrt(2 * Math.PI);
  for (let i = 0; i < count; i++) {
    const x = inp[i];
    const cdf = 0.5 * (1 + erf(x * Math.SQRT1_2));
    dinp[i] += dout[i] * (cdf + x * invSqrt2Pi * Math.exp(-0.5 * x * x));
  }
}
