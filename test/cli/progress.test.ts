// Tests for src/cli/progress.ts: a redrawn bar on a TTY, plain lines at most every
// `plainEveryMs` off a TTY (none by default), and notes on lines of their own.
import assert from "node:assert/strict";
import { it } from "node:test";
import { progressBar } from "../../src/cli/progress.js";

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
