// Filesystem trouble is found before anything is computed and told in one line (issue 14, case
// 10): `edit --out` into a read-only filesystem used to fail with ENOENT and `edit --out` onto a
// full disk with "ENOSPC: no space left on device, write" (no path) after the whole edit had run.
// Now --out's parent is probed and its free space compared with the model's size first; a folder
// given as the request file names itself. The tmpfs cases need root (skipped otherwise).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { repoRoot } from "../models/golden-helpers.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const MODEL = join(repoRoot, "models", "tiny-facts");
const CORPUS = join(MODEL, "eval", "corpus.txt");

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function mount(dir: string, options: string): boolean {
  mkdirSync(dir, { recursive: true });
  return spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]).status === 0;
}

describe("edit --out checks", () => {
  const work = mkdtempSync(join(tmpdir(), "locedit-out-"));
  after(() => rmSync(work, { recursive: true, force: true }));
  const requests = join(work, "requests.json");
  writeFileSync(
    requests,
    JSON.stringify([{ prompt: "{} was born in", subject: "Zira Kudor", target_new: "Spain" }]),
  );
  const stats = join(work, "stats");
  const edit = (out: string, ...more: string[]) =>
    run(
      "edit",
      "--model",
      MODEL,
      "--method",
      "memit",
      "--requests",
      requests,
      "--stats",
      stats,
      "--corpus",
      CORPUS,
      "--out",
      out,
      ...more,
    );

  it("a file where --out's parent should be, or a folder as the request file, is one line naming it", () => {
    const file = join(work, "a-file");
    writeFileSync(file, "");
    const r = edit(join(file, "edited"));
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `locedit edit: error: ${join(file, "edited")}: cannot write there: ${file} is a file, not a folder\n`,
    );
    const folder = run(
      "edit",
      "--model",
      MODEL,
      "--method",
      "memit",
      "--requests",
      work,
      "--stats",
      stats,
      "--out",
      join(work, "x"),
    );
    assert.equal(
      folder.stderr,
      `locedit edit: error: ${work}: cannot read the request file: it is a folder, a file was expected (EISDIR)\n`,
    );
    assert.equal(existsSync(stats), false, "nothing was computed");
  });

  const root = process.getuid?.() === 0 && mount(join(work, "probe"), "size=64k");
  if (root) spawnSync("umount", [join(work, "probe")]);
  it(
    "a read-only or too small filesystem is refused before any computation",
    { skip: !root && "needs root and tmpfs" },
    () => {
      const readOnly = join(work, "ro");
      const small = join(work, "small");
      assert.ok(mount(readOnly, "size=1m,ro") && mount(small, "size=256k"));
      try {
        const ro = edit(join(readOnly, "edited"));
        assert.equal(ro.code, 1);
        assert.equal(
          ro.stderr,
          `locedit edit: error: ${join(readOnly, "edited")}: cannot write there: the filesystem is read-only (EROFS), in ${readOnly}\n`,
        );
        const full = edit(join(small, "deep", "edited"), "--dtype", "F16");
        assert.equal(full.code, 1);
        assert.match(
          full.stderr,
          new RegExp(
            `^locedit edit: error: ${join(small, "deep", "edited")}: the filesystem of ${small} has 262\\.1 KB free, the edited model \\(F16\\) needs about 3\\.\\d MB\\n$`,
          ),
        );
        assert.equal(existsSync(stats), false, "nothing was computed");
      } finally {
        spawnSync("umount", [readOnly]);
        spawnSync("umount", [small]);
      }
    },
  );

  it("without --samples, --corpus uses what the corpus has and says how many", () => {
    const out = join(work, "edited");
    const r = edit(out);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /note: statistics from all 999 samples of the corpus \(fewer than the default 10000\)/,
    );
    const log = JSON.parse(spawnSync("cat", [join(out, "edit-log.json")], { encoding: "utf8" }).stdout);
    assert.deepEqual(
      log.statistics.map((s: { samples: number }) => s.samples),
      log.statistics.map(() => 999),
    );
  });
});
