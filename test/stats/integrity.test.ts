// Statistics files are verified on read (issue 14, case 3): a checksum of the data and key in the
// metadata catches random byte flips in a cached or a partial (resume) file, which used to give a
// different ΔW with exit 0; a sum that is not finite or not a plausible Σ k kᵀ (negative diagonal,
// |s_ij| > √(s_ii s_jj), a huge diagonal that would silently zero an edit) is refused naming the
// file even when its checksum agrees; and an Editor reading a statistics folder without a corpus
// refuses a file whose metadata names another model, as `stats` does.
import assert from "node:assert/strict";
import { closeSync, copyFileSync, mkdirSync, openSync, readSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, describe, it } from "node:test";
import { Editor } from "../../src/editing/editor/editor.js";
import { openSafetensors } from "../../src/io/safetensors-read.js";
import { loadOrComputeStats } from "../../src/stats/compute.js";
import {
  partialPath,
  readPartialFile,
  readStatsFile,
  statsPath,
  writeStatsFile,
} from "../../src/stats/stats-file.js";
import type { LayerStats, StatsKey } from "../../src/stats/types.js";
import { corpusText, FACTS_DIR, LLAMA_DIR, loadTiny, tempDir, writeCorpus } from "./helpers.js";

const temp = tempDir("integrity");
after(() => temp.remove());

/** Flips one bit of the byte at `offset` bytes into tensor `tensor`'s data. */
function flipByte(path: string, tensor: string, offset: number): void {
  const file = openSafetensors(path);
  const at = file.info(tensor).byteOffset + offset;
  file.close();
  const fd = openSync(path, "r+");
  const byte = new Uint8Array(1);
  readSync(fd, byte, 0, 1, at);
  byte[0] ^= 0x10;
  writeSync(fd, byte, 0, 1, at);
  closeSync(fd);
}

const key: StatsKey = {
  model: "ab".repeat(32),
  layer: 0,
  corpus: "cd".repeat(32),
  samples: 3,
  maxLen: 8,
  dtype: "float64",
};

function gram(values: number[][]): Float64Array {
  const d = values[0].length;
  const sum = new Float64Array(d * d);
  for (const k of values)
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) sum[i * d + j] += k[i] * k[j];
  return sum;
}

describe("statistics file integrity", () => {
  it("a flipped byte in a cached file or a partial file is an error naming the file", async () => {
    const { model, tokenizer } = await loadTiny(FACTS_DIR);
    const corpus = writeCorpus(temp.dir, "corpus.txt", corpusText(40));
    const options = {
      layers: [1],
      corpusFiles: [corpus],
      samples: 30,
      maxLen: 32,
      batchTokens: 64,
      cacheDir: join(temp.dir, "cache"),
      modelDir: FACTS_DIR,
    };
    const stats = (await loadOrComputeStats(model, tokenizer, options)).get(1)!;
    const path = statsPath(options.cacheDir, stats.key);
    const pristine = join(temp.dir, "pristine.safetensors");
    copyFileSync(path, pristine);
    for (const [tensor, offset] of [
      ["sum", 4 * 1000 + 2],
      ["count", 3],
    ] as const) {
      flipByte(path, tensor, offset);
      await assert.rejects(
        loadOrComputeStats(model, tokenizer, options),
        new RegExp(`^Error: ${path}: checksum mismatch`),
        `flip in ${tensor}`,
      );
      copyFileSync(pristine, path);
    }

    const controller = new AbortController();
    let batches = 0;
    const resumable = { ...options, cacheDir: join(temp.dir, "resume") };
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, {
        ...resumable,
        signal: controller.signal,
        onProgress: () => ++batches === 3 && controller.abort(new Error("stop")),
      }),
      /stop/,
    );
    const partial = partialPath(resumable.cacheDir, stats.key);
    flipByte(partial, "sum", 8 * 777 + 6);
    await assert.rejects(
      loadOrComputeStats(model, tokenizer, resumable),
      new RegExp(`^Error: ${partial}: checksum mismatch`),
    );
  });

  it("non-finite or implausible sums are refused even with a consistent checksum", () => {
    const good = gram([
      [1, 2, 0],
      [0, 1, 3],
      [2, 0, 1],
    ]);
    const cases: [string, (sum: Float64Array) => void, RegExp][] = [
      ["nan", (s) => (s[1] = s[3] = NaN), /entry \(0, 1\) of the sum is NaN/],
      ["negative", (s) => (s[4] = -1), /diagonal entry 1 is -1, a sum of squares cannot be negative/],
      ["cauchy", (s) => (s[2] = s[6] = 1e6), /entry \(0, 2\) = 1000000 exceeds √\(s_ii·s_jj\) = /],
      ["huge", (s) => (s[8] = 1e30), /diagonal entry 2 gives C0 = 3.33\d*e\+29, implausibly large/],
      ["asymmetric", (s) => (s[1] += 0.5), /entries \(0, 1\) and \(1, 0\) differ/],
    ];
    for (const [name, spoil, pattern] of cases) {
      const sum = good.slice();
      spoil(sum);
      const path = join(temp.dir, "bad", `${name}.safetensors`);
      mkdirSync(dirname(path), { recursive: true });
      writeStatsFile(path, { layer: 0, dim: 3, count: 3, sum, key } satisfies LayerStats);
      assert.throws(
        () => readStatsFile(path),
        (e: Error) => e.message.startsWith(`${path}: `) && pattern.test(e.message),
        name,
      );
    }
    const path = join(temp.dir, "bad", "good.safetensors");
    writeStatsFile(path, { layer: 0, dim: 3, count: 3, sum: good, key });
    assert.deepEqual(readStatsFile(path).sum, good);
    assert.equal(readPartialFile(join(temp.dir, "bad", "none.safetensors"), key), null);
  });

  it("an Editor without a corpus refuses a cached file whose metadata names another model", async () => {
    const { model, tokenizer } = await loadTiny(LLAMA_DIR);
    const corpus = writeCorpus(temp.dir, "small.txt", corpusText(12));
    const cacheDir = join(temp.dir, "foreign");
    const layers = [0];
    const options = { layers, corpusFiles: [corpus], samples: 10, maxLen: 16, cacheDir, modelDir: LLAMA_DIR };
    const stats = await loadOrComputeStats(model, tokenizer, options);
    // Layer 0's file, rewritten with a valid checksum but the key of another model, in its place.
    const path = statsPath(cacheDir, stats.get(0)!.key);
    const other = { ...stats.get(0)!, key: { ...stats.get(0)!.key, model: "ef".repeat(32) } };
    writeStatsFile(path, other);
    const editor = Editor.fromModel(model, tokenizer, LLAMA_DIR, {
      method: "memit",
      hparams: { layers: [0], v_num_grad_steps: 2 },
      stats: { dir: cacheDir },
    });
    await assert.rejects(
      editor.edit([{ prompt: "{} is in", subject: "Paris", targetNew: "Rome" }]),
      new RegExp(`${path}: statistics key does not match: model is efef`),
    );
  });
});
