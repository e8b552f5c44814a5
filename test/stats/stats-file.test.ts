// Statistics files: the sum is stored in the key's dtype (F32 or F64) and read back exactly, the
// count and key live in the metadata, and foreign or damaged files are errors naming the file.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { writeSafetensors } from "../../src/io/safetensors-write.js";
import { openSafetensors } from "../../src/io/safetensors-read.js";
import {
  partialPath,
  readPartialFile,
  readStatsFile,
  statsPath,
  writePartialFile,
  writeStatsFile,
} from "../../src/stats/stats-file.js";
import type { LayerStats, StatsKey } from "../../src/stats/types.js";
import { bitsEqual, tempDir } from "./helpers.js";

const temp = tempDir("file");
after(() => temp.remove());

const key: StatsKey = {
  model: "ab".repeat(32),
  layer: 7,
  corpus: "cd".repeat(32),
  samples: 12,
  maxLen: 64,
  dtype: "float64",
};
/** A 3×3 Σ k kᵀ of two keys with irrational entries (so float32 storage rounds them). */
const keys = [
  [Math.PI, Math.E, 1 / 3],
  [Math.SQRT2, -0.1, Math.LN2],
];
const sum = Float64Array.from({ length: 9 }, (_, n) =>
  keys.reduce((s, k) => s + k[Math.floor(n / 3)] * k[n % 3], 0),
);

describe("statistics files", () => {
  it("float64 sums round-trip bit for bit as F64; float32 sums are stored as F32", () => {
    const stats: LayerStats = { layer: 7, dim: 3, count: 2 ** 40 + 3, sum, key };
    const path = statsPath(temp.dir, key);
    assert.equal(
      path,
      join(temp.dir, "abababababababab", "layer-7.cdcdcdcdcdcdcdcd.n12.t64.float64.safetensors"),
    );
    writeStatsFile(path, stats);
    const back = readStatsFile(path, key);
    assert.ok(bitsEqual(back.sum, sum));
    assert.deepEqual({ ...back, sum: null }, { ...stats, sum: null });
    const file = openSafetensors(path);
    assert.equal(file.info("sum").dtype, "F64");
    assert.equal(file.metadata.count, String(2 ** 40 + 3));
    assert.equal(file.metadata.locedit_version, "0.1.0");
    file.close();

    const key32 = { ...key, dtype: "float32" as const };
    writeStatsFile(statsPath(temp.dir, key32), { ...stats, key: key32 });
    const back32 = readStatsFile(statsPath(temp.dir, key32), key32);
    assert.ok(bitsEqual(back32.sum, Float64Array.from(Float32Array.from(sum))));

    // into a caller's buffer (a view inside a larger one: offsets matter for the in-place widening)
    for (const [k, expected] of [
      [key, sum],
      [key32, Float64Array.from(Float32Array.from(sum))],
    ] as const) {
      const host = new Float64Array(11).fill(-1);
      const into = host.subarray(1, 10);
      const read = readStatsFile(statsPath(temp.dir, k), k, into);
      assert.equal(read.sum, into);
      assert.ok(bitsEqual(into, expected));
      assert.deepEqual([host[0], host[10]], [-1, -1], "nothing written outside the buffer");
    }
    assert.throws(
      () => readStatsFile(path, key, new Float64Array(4)),
      /the sum is 3×3, the buffer to read it into holds 4 values/,
    );
  });

  it("partial files keep the float64 sum, the count and the cursor", () => {
    const path = partialPath(temp.dir, key);
    assert.match(path, /\.float64\.partial\.safetensors$/);
    assert.equal(readPartialFile(path, key), null);
    const cursor = { window: 1, batch: 3, ordinal: 9, samplesDone: 40 };
    const plan = { samples: 12, maxLen: 64, batchTokens: 128, windowSamples: 1024 };
    writePartialFile(path, key, { sum, count: 17, cursor, plan });
    const back = readPartialFile(path, key)!;
    assert.ok(bitsEqual(back.sum, sum));
    assert.deepEqual({ ...back, sum: null }, { sum: null, count: 17, cursor, plan });
    assert.throws(
      () => readPartialFile(path, { ...key, samples: 13 }),
      /statistics key does not match: samples is 12, expected 13/,
    );
    assert.throws(() => readStatsFile(path), /a partial statistics file, expected final/);
  });

  it("a safetensors file that is not statistics is named in the error", () => {
    const path = join(temp.dir, "weights.safetensors");
    writeSafetensors(path, { w: { dtype: "F32", shape: [1], data: new Float32Array(1) } });
    assert.throws(() => readStatsFile(path), new RegExp(`^Error: ${path}: not a locedit statistics file`));
  });
});
