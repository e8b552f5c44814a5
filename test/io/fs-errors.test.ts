// Filesystem errors name the path and the cause (issue 14, case 10): a write that fails with
// ENOSPC — whose Node error names no path — comes out as "<file>: cannot write: no space left on
// the device (ENOSPC)", leaving no temporary file; on a real full or read-only filesystem (a small
// tmpfs, mounted when the tests run as root and the sandbox allows it) the same holds end to end.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { publishDirectoryAtomic, withAtomicFile, writeFileAtomic } from "../../src/io/atomic.js";
import { fsError, isErrnoError } from "../../src/io/fs-errors.js";
import { makeTempDir } from "./fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);

/** An error shaped like the one Node throws from writeSync on a full disk: no path at all. */
function rawErrno(code: string, syscall: string, text: string): Error {
  return Object.assign(new Error(`${code}: ${text}, ${syscall}`), { code, syscall, errno: -1 });
}

describe("filesystem errors", () => {
  it("translate errno codes into the path and the cause in words", () => {
    const full = fsError(
      rawErrno("ENOSPC", "write", "no space left on device"),
      "/data/out/model.safetensors",
      "write",
    );
    assert.equal(
      full.message,
      "/data/out/model.safetensors: cannot write: no space left on the device (ENOSPC)",
    );
    assert.ok(isErrnoError(full), "the code survives for callers that branch on it");
    assert.equal(fsError(full), full, "a translated error passes through a second translation unchanged");
    const dir = Object.assign(rawErrno("EISDIR", "read", "illegal operation on a directory"), {
      path: "/c/corpus",
    });
    assert.equal(
      fsError(dir).message,
      "/c/corpus: cannot read: it is a folder, a file was expected (EISDIR)",
    );
    const plain = new Error("not an errno error");
    assert.equal(fsError(plain, "/x"), plain);
  });

  it("a write failing part-way names the file and leaves no temporary file", () => {
    const dir = join(temp.dir, "write");
    mkdirSync(dir);
    const path = join(dir, "model.safetensors");
    assert.throws(
      () =>
        withAtomicFile(path, () => {
          throw rawErrno("ENOSPC", "write", "no space left on device");
        }),
      new RegExp(`^Error: ${path}: cannot write: no space left on the device \\(ENOSPC\\)$`),
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  const mountable = process.getuid?.() === 0 && mountTmpfs(join(temp.dir, "probe"), "size=64k");
  it(
    "on a real full and a real read-only tmpfs",
    { skip: !mountable && "needs root and tmpfs mounts" },
    async () => {
      const full = join(temp.dir, "full");
      const readOnly = join(temp.dir, "ro");
      assert.ok(mountTmpfs(full, "size=64k") && mountTmpfs(readOnly, "size=64k,ro"));
      try {
        const big = join(full, "big.bin");
        assert.throws(
          () => writeFileAtomic(big, new Uint8Array(1 << 20)),
          new RegExp(`^Error: ${big}: cannot write: no space left on the device \\(ENOSPC\\)$`),
        );
        assert.deepEqual(readdirSync(full), [], "no temporary file survives");
        await assert.rejects(
          publishDirectoryAtomic(join(readOnly, "edited"), (staging) =>
            writeFileSync(join(staging, "x"), "1"),
          ),
          new RegExp(
            `^Error: ${readOnly}: cannot create a staging folder in it: the filesystem is read-only \\(EROFS\\)$`,
          ),
        );
      } finally {
        for (const dir of [full, readOnly]) spawnSync("umount", [dir]);
      }
    },
  );
});

function mountTmpfs(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]).status === 0;
  if (mounted && dir.endsWith("probe")) spawnSync("umount", [dir]);
  return mounted;
}
