// Seeded randomness for the fact world: one independent stream per purpose ("names", "facts",
// "records", …) derived from the world seed, so a change in one part never shifts the draws of
// another. Built on createRng (mulberry32); no Math.random anywhere.

import { createRng, type Rng } from "../../util/random.js";

/** FNV-1a over the UTF-16 code units of `text`: a stable 32-bit hash. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A generator for one purpose of one seed: same (seed, purpose) → same sequence. */
export function streamRng(seed: number, purpose: string): Rng {
  if (!Number.isFinite(seed)) throw new Error(`fact world: seed must be a finite number, got ${seed}`);
  return createRng(hashString(`${purpose}:${Math.trunc(seed)}`));
}

/** One element of a non-empty list, uniformly. */
export function pick<T>(rng: Rng, items: readonly T[]): T {
  if (items.length === 0) throw new Error("pick: empty list");
  return items[rng.int(items.length)];
}

/** A shuffled copy (Fisher–Yates). */
export function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
