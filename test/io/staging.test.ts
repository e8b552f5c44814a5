// Staging folders and temporary files of killed processes (issue 14, case 9): only marked
// folders of dead processes on this host are removed; a folder set aside while replacing a target
// is put back when the target is missing; temporary files of dead processes go from locedit's
// own folders; everything of a live process, of another host or without a marker stays.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  isProcessAlive,
  removeStaleStaging,
  removeStaleTemporaryFiles,
  STAGING_MARKER,
} from "../../src/io/staging.js";
import { hostname } from "node:os";
import { makeTempDir } from "./fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);

/** The pid of a process that has exited (the kernel may reuse it later, which only delays clean-up). */
const deadPid = spawnSync(process.execPath, ["-e", "0"]).pid as number;

function fakeStaging(parent: string, name: string, marker: object | null): string {
  const dir = join(parent, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "model.safetensors"), "half written");
  if (marker) writeFileSync(join(dir, STAGING_MARKER), JSON.stringify(marker));
  return dir;
}

describe("stale staging", () => {
  it("removes marked folders of dead processes of this host only", () => {
    assert.equal(isProcessAlive(deadPid), false);
    assert.equal(isProcessAlive(process.pid), true);
    const parent = join(temp.dir, "folders");
    const base = { host: hostname(), target: join(parent, "out"), started: "" };
    fakeStaging(parent, `out.tmp-${deadPid}-00aa11bb`, { locedit: "staging", pid: deadPid, ...base });
    fakeStaging(parent, `out.tmp-${process.pid}-00aa11cc`, { locedit: "staging", pid: process.pid, ...base });
    fakeStaging(parent, `out.tmp-${deadPid}-00aa11dd`, {
      locedit: "staging",
      pid: deadPid,
      ...base,
      host: "elsewhere",
    });
    fakeStaging(parent, `out.tmp-${deadPid}-00aa11ee`, null);
    const notices = removeStaleStaging(parent);
    assert.equal(notices.length, 1);
    assert.match(
      notices[0],
      new RegExp(`removed .*out\\.tmp-${deadPid}-00aa11bb.*process ${deadPid} \\(no longer running\\)`),
    );
    assert.deepEqual(
      readdirSync(parent).sort(),
      [
        `out.tmp-${deadPid}-00aa11dd`,
        `out.tmp-${deadPid}-00aa11ee`,
        `out.tmp-${process.pid}-00aa11cc`,
      ].sort(),
    );
  });

  it("puts back a folder set aside by a killed replace when its target is missing", () => {
    const parent = join(temp.dir, "aside");
    const base = { host: hostname(), target: join(parent, "model"), started: "" };
    fakeStaging(parent, `model.old-${deadPid}-0badc0de`, { locedit: "aside", pid: deadPid, ...base });
    const notices = removeStaleStaging(parent);
    assert.match(notices[0], /restored .*model from/);
    assert.deepEqual(readdirSync(parent), ["model"]);
    assert.deepEqual(readdirSync(join(parent, "model")), ["model.safetensors"]);
  });

  it("removes temporary files of dead processes from a folder locedit owns", () => {
    const dir = join(temp.dir, "cache");
    mkdirSync(dir);
    const stale = `layer-3.abc.partial.safetensors.tmp-${deadPid}-12345678`;
    const live = `layer-4.abc.safetensors.tmp-${process.pid}-12345678`;
    for (const name of [stale, live, "layer-3.abc.safetensors"]) writeFileSync(join(dir, name), "x");
    const notices = removeStaleTemporaryFiles(dir);
    assert.equal(notices.length, 1);
    assert.match(notices[0], new RegExp(stale.replace(/\./g, "\\.")));
    assert.deepEqual(readdirSync(dir).sort(), ["layer-3.abc.safetensors", live].sort());
    assert.equal(readFileSync(join(dir, live), "utf8"), "x");
  });
});
