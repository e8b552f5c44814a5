// Tests for src/io/atomic.ts: files and folders are replaced whole, and a failure part-way
// leaves the previous content and no temporary file or folder behind.
import { after, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  publishDirectoryAtomic,
  publishDirectoryAtomicSync,
  withAtomicFile,
  writeAll,
  writeFileAtomic,
} from "../../src/io/atomic.js";
import { makeTempDir } from "./fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);

function folder(name: string): string {
  const dir = join(temp.dir, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

test("writeFileAtomic creates and replaces files", () => {
  const dir = folder("files");
  const path = join(dir, "a.json");
  writeFileAtomic(path, '{"v": 1}');
  writeFileAtomic(path, new Uint8Array([0x7b, 0x7d]));
  assert.equal(readFileSync(path, "utf8"), "{}");
  assert.deepEqual(readdirSync(dir), ["a.json"]);
});

test("a write that fails half-way keeps the old file and removes the temporary one", () => {
  const dir = folder("failing");
  const path = join(dir, "weights.bin");
  writeFileSync(path, "old content");
  assert.throws(
    () =>
      withAtomicFile(path, (fd) => {
        writeAll(fd, new Uint8Array(1000).fill(1));
        throw new Error("disk full (simulated)");
      }),
    /disk full \(simulated\)/,
  );
  assert.equal(readFileSync(path, "utf8"), "old content");
  assert.deepEqual(readdirSync(dir), ["weights.bin"]);
});

test("publishDirectoryAtomic swaps in a complete folder and replaces an existing one", async () => {
  const parent = folder("publish");
  const target = join(parent, "edited-model");
  await publishDirectoryAtomic(target, (staging) => {
    assert.notEqual(staging, target);
    writeFileSync(join(staging, "config.json"), "{}");
  });
  assert.deepEqual(readdirSync(target), ["config.json"]);
  await publishDirectoryAtomic(target, async (staging) => {
    await Promise.resolve();
    writeFileSync(join(staging, "model.safetensors"), "new");
  });
  assert.deepEqual(readdirSync(target), ["model.safetensors"]);
  assert.deepEqual(readdirSync(parent), ["edited-model"]);
});

test("a failing fill leaves the previous folder untouched and no staging folder", async () => {
  const parent = folder("publish-fail");
  const target = join(parent, "model");
  mkdirSync(target);
  writeFileSync(join(target, "keep.txt"), "previous");
  await assert.rejects(
    publishDirectoryAtomic(target, (staging) => {
      writeFileSync(join(staging, "half.safetensors"), "partial");
      throw new Error("edit failed (simulated)");
    }),
    /edit failed/,
  );
  assert.throws(
    () =>
      publishDirectoryAtomicSync(target, () => {
        throw new Error("sync failure");
      }),
    /sync failure/,
  );
  assert.deepEqual(readdirSync(parent), ["model"]);
  assert.equal(readFileSync(join(target, "keep.txt"), "utf8"), "previous");
});

test("publishDirectoryAtomicSync creates missing parent folders", () => {
  const target = join(temp.dir, "deep", "er", "model");
  publishDirectoryAtomicSync(target, (staging) => writeFileSync(join(staging, "x"), "1"));
  assert.ok(existsSync(join(target, "x")));
  assert.deepEqual(readdirSync(join(temp.dir, "deep", "er")), ["model"]);
});
