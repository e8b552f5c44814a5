// Shared fixtures of the statistics tests: the bundled tiny models, small corpora written to a
// temporary folder, and a plain float64 Σ k kᵀ computed one unpadded sample at a time.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CausalLM } from "../../src/models/causal-lm.js";
import { loadModel } from "../../src/models/load.js";
import { makeBatch } from "../../src/runtime/batch.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import type { Tokenizer } from "../../src/tokenizers/tokenizer.js";
import { sampleTokens } from "../../src/stats/batches.js";
import { corpusSamples } from "../../src/stats/corpus.js";
import { repoRoot } from "../models/golden-helpers.js";

export const LLAMA_DIR = join(repoRoot, "models", "tiny-random-llama");
export const FACTS_DIR = join(repoRoot, "models", "tiny-facts");

export async function loadTiny(dir: string): Promise<{ model: CausalLM; tokenizer: Tokenizer }> {
  return { model: loadModel(dir), tokenizer: await loadTokenizer(dir) };
}

export function tempDir(tag: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `locedit-stats-${tag}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Lines of varied length (1 to ~40 words), a heading and blank lines that are not samples. */
export function corpusText(lines: number, seed = 1): string {
  const words = ["the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "far", "away", "it", "is"];
  const out: string[] = [" = A heading = ", ""];
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
  for (let i = 0; i < lines; i++) {
    const length = 1 + (next() % 40);
    out.push(Array.from({ length }, () => words[next() % words.length]).join(" "));
    if (i % 5 === 4) out.push("   ");
  }
  return out.join("\n") + "\n";
}

export function writeCorpus(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Σ k kᵀ (float64) and token count over the first `samples` samples, each run alone without padding. */
export function referenceMoments(
  model: CausalLM,
  tokenizer: Tokenizer,
  files: string[],
  samples: number,
  maxLen: number,
  layer: number,
): { sum: Float64Array; count: number } {
  const d = model.config.intermediateSize;
  const sum = new Float64Array(d * d);
  let count = 0;
  for (const sample of corpusSamples(files)) {
    if (sample.index >= samples) break;
    const ids = sampleTokens(tokenizer, sample, maxLen);
    const trace = model.forward(makeBatch([ids]), {
      endLayer: layer + 1,
      logits: "none",
      captureLayers: [layer],
    });
    const key = trace.layers[layer]!.key;
    for (let t = 0; t < ids.length; t++) {
      for (let i = 0; i < d; i++) {
        const ki = key[t * d + i];
        for (let j = 0; j < d; j++) sum[i * d + j] += ki * key[t * d + j];
      }
    }
    count += ids.length;
  }
  return { sum, count };
}

/**
 * Σ k kᵀ from keys computed in other batch shapes (packed and padded vs one sample at a time):
 * each key differs by a few float32 ulps, each product by twice that, so the sums differ by a
 * small multiple of 2^-23 relative (measured ≤ 3.8e-7 under five OpenBLAS kernels); 32 ulps.
 */
export const KEY_SUM_TOLERANCE = 32 * 2 ** -23;

/** max |a − b| / max |b|. */
export function relativeError(a: Float64Array, b: Float64Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

/** Counts calls to model.forward. */
export function countForwards(model: CausalLM): { calls: () => number } {
  const original = model.forward.bind(model);
  let calls = 0;
  model.forward = (...args) => {
    calls++;
    return original(...args);
  };
  return { calls: () => calls };
}

export function bitsEqual(a: Float64Array, b: Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}
