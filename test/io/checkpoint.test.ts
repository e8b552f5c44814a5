// Tests for src/io/checkpoint.ts and checkpoint-write.ts: single-file and sharded round trips,
// stale-layout cleanup, and each error of a broken sharded checkpoint or an empty folder.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openCheckpoint } from "../../src/io/checkpoint.js";
import { writeCheckpoint } from "../../src/io/checkpoint-write.js";
import { writeSafetensors, type TensorsToWrite } from "../../src/io/safetensors-write.js";
import { createRng } from "../../src/util/random.js";
import { errorMessage, makeTempDir } from "./fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);

function tensors(): TensorsToWrite {
  const rng = createRng(11);
  const make = (shape: number[], dtype: "F32" | "F16" | "BF16") => ({
    dtype,
    shape,
    data: rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))),
  });
  return {
    "h.0.w": make([16, 8], "F32"), // 512 bytes
    "h.0.b": make([16], "F16"), // 32 bytes
    "h.1.w": make([16, 8], "BF16"), // 256 bytes
    "h.1.b": make([16], "F32"), // 64 bytes
    wte: make([32, 8], "F32"), // 1024 bytes
  };
}

function freshDir(name: string): string {
  const dir = join(temp.dir, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

test("sharded round trip: shards within the size limit, an index, every tensor readable", () => {
  const dir = freshDir("sharded");
  const source = tensors();
  const written = writeCheckpoint(dir, source, { maxShardBytes: 600, metadata: { format: "pt" } });
  // Sorted: h.0.b 32, h.0.w 512 | h.1.b 64, h.1.w 256 | wte 1024 (alone: larger than the limit).
  assert.deepEqual(written, [
    "model-00001-of-00003.safetensors",
    "model-00002-of-00003.safetensors",
    "model-00003-of-00003.safetensors",
    "model.safetensors.index.json",
  ]);
  const index = JSON.parse(readFileSync(join(dir, "model.safetensors.index.json"), "utf8"));
  assert.equal(index.metadata.total_size, 32 + 512 + 64 + 256 + 1024);
  assert.equal(index.weight_map["wte"], "model-00003-of-00003.safetensors");
  const checkpoint = openCheckpoint(dir);
  assert.deepEqual(checkpoint.names().sort(), Object.keys(source).sort());
  assert.equal(checkpoint.files.length, 3);
  assert.equal(checkpoint.fileOf("h.1.w"), join(dir, "model-00002-of-00003.safetensors"));
  assert.deepEqual(checkpoint.info("h.1.w").shape, [16, 8]);
  assert.deepEqual(checkpoint.readFloat32("h.0.w"), source["h.0.w"].data);
  assert.deepEqual(checkpoint.readFloat32("wte"), source["wte"].data);
  assert.ok(checkpoint.has("h.1.b") && !checkpoint.has("lm_head.weight"));
  assert.match(
    errorMessage(() => checkpoint.readFloat32("lm_head.weight")),
    /no tensor named 'lm_head.weight'/,
  );
  checkpoint.close();
});

test("one shard writes model.safetensors; switching layouts removes the stale files", () => {
  const dir = freshDir("relayout");
  writeCheckpoint(dir, tensors(), { maxShardBytes: 600 });
  writeFileSync(join(dir, "config.json"), "{}");
  assert.deepEqual(writeCheckpoint(dir, tensors()), ["model.safetensors"]);
  assert.deepEqual(readdirSync(dir).sort(), ["config.json", "model.safetensors"]);
  const checkpoint = openCheckpoint(dir);
  assert.equal(checkpoint.names().length, 5);
  assert.equal(checkpoint.fileOf("wte"), join(dir, "model.safetensors"));
  checkpoint.close();
  writeCheckpoint(dir, tensors(), { maxShardBytes: 1500 });
  assert.deepEqual(readdirSync(dir).sort(), [
    "config.json",
    "model-00001-of-00002.safetensors",
    "model-00002-of-00002.safetensors",
    "model.safetensors.index.json",
  ]);
  assert.match(
    errorMessage(() => writeCheckpoint(dir, {}, { maxShardBytes: 0 })),
    /maxShardBytes must be/,
  );
});

test("a single .safetensors path opens as a checkpoint too", () => {
  const path = join(freshDir("single-path"), "weights.safetensors");
  writeSafetensors(path, { x: { dtype: "F32", shape: [1], data: new Float32Array([4]) } });
  const checkpoint = openCheckpoint(path);
  assert.deepEqual([...checkpoint.readFloat32("x")], [4]);
  checkpoint.close();
});

test("an empty folder names what was looked for, and mentions unsupported .bin files", () => {
  const dir = freshDir("empty");
  assert.match(
    errorMessage(() => openCheckpoint(dir)),
    /empty: no model\.safetensors or model\.safetensors\.index\.json/,
  );
  writeFileSync(join(dir, "pytorch_model.bin"), "");
  assert.match(
    errorMessage(() => openCheckpoint(dir)),
    /found pytorch_model\.bin, but PyTorch \.bin checkpoints are not/,
  );
  assert.match(
    errorMessage(() => openCheckpoint(join(dir, "missing"))),
    /checkpoint folder does not exist/,
  );
});

function brokenIndex(name: string, weightMap: Record<string, string> | string): string {
  const dir = freshDir(name);
  writeSafetensors(join(dir, "a.safetensors"), {
    x: { dtype: "F32", shape: [1], data: new Float32Array([1]) },
    y: { dtype: "F32", shape: [1], data: new Float32Array([2]) },
  });
  writeSafetensors(join(dir, "b.safetensors"), {
    y: { dtype: "F32", shape: [1], data: new Float32Array([3]) },
  });
  const text = typeof weightMap === "string" ? weightMap : JSON.stringify({ weight_map: weightMap });
  writeFileSync(join(dir, "model.safetensors.index.json"), text);
  return dir;
}

test("broken sharded checkpoints: bad JSON, missing shard, absent tensor, duplicates, bad names", () => {
  const cases: [string, Record<string, string> | string, RegExp][] = [
    ["bad-json", '{"weight_map": {', /index\.json: invalid JSON at line 1, column 17/],
    ["no-map", '{"metadata": {}}', /index\.json: expected an object with a "weight_map"/],
    ["empty-map", {}, /weight_map is empty/],
    ["missing-shard", { x: "a.safetensors", z: "c.safetensors" }, /shard file c\.safetensors is missing/],
    [
      "absent",
      { x: "a.safetensors", w: "a.safetensors" },
      /tensor 'w' is listed in shard a\.safetensors but absent/,
    ],
    [
      "duplicate",
      { x: "a.safetensors", y: "b.safetensors" },
      /tensor 'y' is stored in two shards, a\.safetensors and b/,
    ],
    ["escape", { x: "../a.safetensors" }, /weight_map\['x'\] must be a shard file name in the same folder/],
    [
      "not-string",
      { x: 3 } as unknown as Record<string, string>,
      /weight_map\['x'\] must be a shard file name/,
    ],
  ];
  for (const [name, weightMap, pattern] of cases) {
    const message = errorMessage(() => openCheckpoint(brokenIndex(name, weightMap)));
    assert.ok(message.includes(name), message);
    assert.match(message, pattern);
  }
});
