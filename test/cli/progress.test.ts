// Tests for src/cli/progress.ts: a redrawn bar on a TTY, plain lines at most every
// `plainEveryMs` off a TTY (none by default), and notes on lines of their own.
import assert from "node:assert/strict";
import { it } from "node:test";
import { formatSeconds, LONG_COMMAND, progressBar } from "../../src/cli/progress.js";

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = {
    isTTY,
    columns: 120,
    write: (s: string) => writes.push(s) > 0,
  } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

it("a TTY gets a redrawn bar and notes above it", () => {
  const { stream, writes } = fakeStream(true);
  const bar = progressBar("download", { stream, format: (d, t) => `${d} of ${t}` });
  bar.update(5, 10, "file");
  bar.note("retrying");
  bar.finish("done");
  assert.ok(writes[0].startsWith("\rdownload " + "█".repeat(14) + "░".repeat(14) + " 5 of 10 "), writes[0]);
  assert.ok(writes[0].endsWith(" file\x1b[K"), writes[0]);
  assert.deepEqual(writes.slice(1), ["\r\x1b[K", "retrying\n", "\r\x1b[K", "done\n"]);
});

it("off a TTY: no bar by default, plain lines when asked, never more often than asked", () => {
  const quiet = fakeStream(false);
  progressBar("x", quiet.stream).update(1, 2);
  assert.deepEqual(quiet.writes, []);
  const plain = fakeStream(false);
  const bar = progressBar("download", { stream: plain.stream, plainEveryMs: 0 });
  bar.update(1, 4, "a");
  bar.update(2, 4, "b");
  assert.equal(plain.writes.length, 2);
  assert.match(plain.writes[1], /^download 2\/4 [\d.]+s b\n$/);
  const rare = fakeStream(false);
  const slow = progressBar("download", { stream: rare.stream, plainEveryMs: 30_000 });
  for (let i = 0; i < 100; i++) slow.update(i, 100);
  assert.deepEqual(rare.writes, [], "nothing within the first 30 s");
});

it("long commands off a TTY: a line per stage and at most one every 30 s, with elapsed time and ETA (issue 14)", () => {
  let clock = 0;
  const { stream, writes } = fakeStream(false);
  const bar = progressBar("edit", { ...LONG_COMMAND, stream, now: () => clock });
  bar.update(0, 100, "", "statistics");
  for (let done = 1; done <= 100; done++) {
    clock += 1000; // one step a second: 100 s, so lines at 30, 60, 90 s
    bar.update(done, 100, `${done * 10} tok/s`, "statistics");
  }
  clock += 500;
  bar.update(1, 25, "", "compute_z at layer 3");
  bar.update(2, 25, "", "compute_z at layer 3");
  bar.finish();
  assert.deepEqual(writes, [
    "edit: statistics 0/100, 0s elapsed\n",
    "edit: statistics 30/100 (300 tok/s), 30s elapsed, ETA 1m10s\n",
    "edit: statistics 60/100 (600 tok/s), 1m00s elapsed, ETA 40s\n",
    "edit: statistics 90/100 (900 tok/s), 1m30s elapsed, ETA 10s\n",
    "edit: compute_z at layer 3 1/25, 1m41s elapsed\n",
  ]);
  assert.equal(formatSeconds(3725), "1h02m");
});
