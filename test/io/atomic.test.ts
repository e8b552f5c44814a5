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

for (const useRenameat2 of [true, false])
  test(`publishDirectoryAtomic publishes a complete folder, refuses an existing one, replaces it with overwrite (renameat2 ${useRenameat2 ? "flags" : "fallback"})`, async () => {
    const parent = folder(`publish-${useRenameat2}`);
    const target = join(parent, "edited-model");
    await publishDirectoryAtomic(
      target,
      (staging) => {
        assert.notEqual(staging, target);
        writeFileSync(join(staging, "config.json"), "{}");
      },
      { useRenameat2 },
    );
    assert.deepEqual(readdirSync(target), ["config.json"], "the staging marker is not published");
    let filled = false;
    await assert.rejects(
      publishDirectoryAtomic(target, () => void (filled = true), { useRenameat2 }),
      /edited-model: already exists; nothing was written/,
    );
    assert.equal(filled, false, "an existing target is refused before any work");
    // The target appearing while the folder is filled (another writer) fails the final rename.
    const late = join(parent, "late");
    await assert.rejects(
      publishDirectoryAtomic(
        late,
        (staging) => {
          writeFileSync(join(staging, "mine"), "1");
          mkdirSync(late); // an empty folder: plain rename(2) would silently replace it
        },
        { useRenameat2 },
      ),
      /late: already exists: it appeared while this folder was being written/,
    );
    assert.deepEqual(readdirSync(late), []);
    await publishDirectoryAtomic(
      target,
      async (staging) => {
        await Promise.resolve();
        writeFileSync(join(staging, "model.safetensors"), "new");
      },
      { overwrite: true, useRenameat2 },
    );
    assert.deepEqual(readdirSync(target), ["model.safetensors"]);
    assert.deepEqual(readdirSync(parent).sort(), ["edited-model", "late"]);
  });

test("a failing fill leaves the previous folder untouched and no staging folder", async () => {
  const parent = folder("publish-fail");
  const target = join(parent, "model");
  mkdirSync(target);
  writeFileSync(join(target, "keep.txt"), "previous");
  await assert.rejects(
    publishDirectoryAtomic(
      target,
      (staging) => {
        writeFileSync(join(staging, "half.safetensors"), "partial");
        throw new Error("edit failed (simulated)");
      },
      { overwrite: true },
    ),
    /edit failed/,
  );
  assert.throws(
    () =>
      publishDirectoryAtomicSync(
        target,
        () => {
          throw new Error("sync failure");
        },
        { overwrite: true },
      ),
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
