// Seeded pseudo-random numbers for tests, fixtures and sampling: mulberry32 (32-bit state,
// period 2^32) for uniforms and the Box–Muller transform for standard normals.
// Deterministic across platforms: the same seed always gives the same sequence.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** Integer uniform in [0, n); n must be a positive integer. */
  int(n: number): number;
  /** Fills `out` with uniforms in [low, high) and returns it. */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low?: number, high?: number): T;
  /** Fills `out` with N(mean, std²) samples and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean?: number, std?: number): T;
}

/** Creates a generator from a seed (any finite number; the low 32 bits of its integer part are used). */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`createRng: seed must be a finite number, got ${seed}`);
  let state = Math.trunc(seed) >>> 0;
  let spareNormal: number | null = null;

  function next(): number {
    // mulberry32 (Tommy Ettinger): one add, two multiply-xorshift rounds.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  function normal(): number {
    if (spareNormal !== null) {
      const value = spareNormal;
      spareNormal = null;
      return value;
    }
    // Box–Muller: 1 − u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spareNormal = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  }

  function int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(next() * n);
  }

  function fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * next();
    return out;
  }

  function fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    for (let i = 0; i < out.length; i++) out[i] = mean + std * normal();
    return out;
  }

  return { next, normal, int, fillUniform, fillNormal };
}
