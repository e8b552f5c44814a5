// Finite-difference gradient checks for the float32 kernels of src/models/ (tinygrad's op test
// helper in spirit: one call per gradient). The loss is a scalar computed in float64, usually a
// random projection L = Σ r ⊙ f(x); the numeric derivative is a central difference over a few
// coordinates: the largest analytic entries (a wrong value or a misplaced gradient shows there)
// plus uniformly drawn ones (a gradient the backward forgot shows there).
import assert from "node:assert/strict";
import { createRng, type Rng } from "../../src/util/random.js";
import { sizeOf, type ParamSpec } from "../../src/models/param-spec.js";
import type { Batch, ParamLookup } from "../../src/models/types.js";

export interface GradientCheckOptions {
  /** name printed in failure messages */
  name?: string;
  /** coordinates to check: a count (half largest analytic, half random) or explicit indices */
  coords?: number | readonly number[];
  /** generator for the random coordinates (default: a fixed seed) */
  rng?: Rng;
  /** finite-difference step (default 1e-2) */
  eps?: number;
  /** relative tolerance per coordinate (default 1e-2) */
  tol?: number;
  /** absolute tolerance, as a fraction of max |analytic| (default 1e-3): near-zero entries compare to it */
  floor?: number;
  /** absolute tolerance (default 2e-4): above the float32 noise of a difference quotient (~1e-4) */
  atol?: number;
  /** the true gradient is 0 (an invariance): skip the guard against all-zero comparisons */
  zeroGradient?: boolean;
}

/**
 * Compares analyticGrad with the central difference (L(x + h) − L(x − h)) / 2h of `loss`, which
 * must read `x` in place. x is restored afterwards. Throws (assert) on the first coordinate where
 * |a − n| > tol·max(|a|, |n|) + atol + floor·max|analytic|, or, unless zeroGradient, when every
 * checked finite difference is below 10·atol (a check that compares zeros cannot fail).
 */
export function checkGradient(
  loss: () => number,
  x: Float32Array,
  analyticGrad: ArrayLike<number>,
  options: GradientCheckOptions = {},
): void {
  const { name = "gradient", eps = 1e-2, tol = 1e-2, floor = 1e-3, atol = 2e-4 } = options;
  assert.equal(analyticGrad.length, x.length, `${name}: analytic gradient length vs input length`);
  const coords = chooseCoords(analyticGrad, options.coords ?? 12, options.rng);
  let maxAbs = 0;
  for (let i = 0; i < analyticGrad.length; i++) maxAbs = Math.max(maxAbs, Math.abs(analyticGrad[i]));
  const absolute = atol + floor * maxAbs;
  let maxNumeric = 0;
  for (const i of coords) {
    const x0 = x[i];
    x[i] = x0 + eps;
    const up = x[i]; // the float32 value actually used: the step is up − down, not 2·eps
    const lossUp = loss();
    x[i] = x0 - eps;
    const down = x[i];
    const lossDown = loss();
    x[i] = x0;
    const n = (lossUp - lossDown) / (up - down);
    const a = analyticGrad[i];
    maxNumeric = Math.max(maxNumeric, Math.abs(n));
    const diff = Math.abs(a - n);
    assert.ok(
      diff <= tol * Math.max(Math.abs(a), Math.abs(n)) + absolute,
      `${name}[${i}]: analytic ${a} vs finite difference ${n} (|diff| ${diff.toExponential(2)}, ` +
        `tol ${tol} relative + ${absolute.toExponential(2)} absolute)`,
    );
  }
  if (!options.zeroGradient)
    assert.ok(
      maxNumeric > 10 * atol,
      `${name}: every checked finite difference is below ${10 * atol}; the check would be vacuous`,
    );
}

/** Half the count from the largest |analytic| entries, the rest drawn uniformly; no repeats. */
function chooseCoords(grad: ArrayLike<number>, coords: number | readonly number[], rng?: Rng): number[] {
  if (typeof coords !== "number") return [...coords];
  const count = Math.min(coords, grad.length);
  const order = Array.from({ length: grad.length }, (_, i) => i).sort(
    (i, j) => Math.abs(grad[j]) - Math.abs(grad[i]),
  );
  const chosen = new Set(order.slice(0, Math.ceil(count / 2)));
  const draw = rng ?? createRng(0x5eed);
  while (chosen.size < count) chosen.add(draw.int(grad.length));
  return [...chosen];
}

/** Σ r ⊙ out in float64: the random projection that turns a tensor output into a scalar loss. */
export function project(out: ArrayLike<number>, r: ArrayLike<number>): number {
  assert.equal(out.length, r.length, "projection length");
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i] * r[i];
  return sum;
}

/** A Float32Array of n normal samples N(mean, std²). */
export function randn(rng: Rng, n: number, std = 1, mean = 0): Float32Array {
  return rng.fillNormal(new Float32Array(n), mean, std);
}

/**
 * A padded batch from a mask (B rows of T), with position ids cumsum(mask) − 1 clamped at 0 as
 * Hugging Face's generate builds them; ids are random in [0, vocab) (padding gets id 0).
 */
export function paddedBatch(rng: Rng, mask: readonly (readonly number[])[], vocab: number): Batch {
  const B = mask.length;
  const T = mask[0].length;
  const ids = new Int32Array(B * T);
  const flatMask = new Uint8Array(B * T);
  const positions = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let seen = 0;
    for (let t = 0; t < T; t++) {
      const real = mask[b][t] === 1;
      flatMask[b * T + t] = real ? 1 : 0;
      ids[b * T + t] = real ? rng.int(vocab) : 0;
      if (real) seen++;
      positions[b * T + t] = Math.max(seen - 1, 0);
    }
  }
  return { B, T, ids, mask: flatMask, positions };
}

/** One left-padded and one right-padded row; the left padding gives queries that see no key. */
export const PADDED_MASK = [
  [0, 0, 1, 1, 1, 1],
  [1, 1, 1, 1, 0, 0],
];

/**
 * Random parameters for every spec: norm weights ~ N(1, 0.1²) (the names of GPT-2, GPT-J and
 * Llama norms all contain "ln" or "norm"), everything else ~ N(0, std²). Tied specs are left out:
 * CausalLM's constructor adds them, sharing the array they are tied to.
 */
export function randomParams(specs: readonly ParamSpec[], rng: Rng, std = 0.2): Map<string, Float32Array> {
  const params = new Map<string, Float32Array>();
  for (const spec of specs) {
    if (spec.tiedTo) continue;
    const isNormWeight = /(^|\.)(ln_\w+|\w*norm)\.weight$/.test(spec.name);
    params.set(spec.name, randn(rng, sizeOf(spec.shape), isNormWeight ? 0.1 : std, isNormWeight ? 1 : 0));
  }
  return params;
}

/** Zero gradient buffers named like the parameters; a tied spec shares its target's buffer. */
export function zeroGrads(specs: readonly ParamSpec[]): {
  grads: Map<string, Float32Array>;
  lookup: ParamLookup;
} {
  const grads = new Map<string, Float32Array>();
  for (const spec of specs) if (!spec.tiedTo) grads.set(spec.name, new Float32Array(sizeOf(spec.shape)));
  for (const spec of specs) if (spec.tiedTo) grads.set(spec.name, grads.get(spec.tiedTo)!);
  return { grads, lookup: lookupIn(grads) };
}

/** A ParamLookup over a map that throws naming a missing tensor. */
export function lookupIn(map: Map<string, Float32Array>): ParamLookup {
  return (name) => {
    const value = map.get(name);
    if (!value) throw new Error(`no tensor named '${name}'`);
    return value;
  };
}
