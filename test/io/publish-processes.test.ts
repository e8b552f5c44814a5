// Publishing a folder from several processes (issue 14, cases 7 and 9): two writers that staged
// the same target at once never both succeed — the second publish fails because the target
// appeared meanwhile, and the first writer's folder stays whole; a writer killed by SIGKILL leaves a
// staging folder marked as locedit's, which the next publish next to it removes and reports.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import { publishDirectoryAtomic } from "../../src/io/atomic.js";
import { STAGING_MARKER } from "../../src/io/staging.js";
import { repoRoot } from "../models/golden-helpers.js";
import { makeTempDir } from "./fixtures.js";

const temp = makeTempDir();
after(temp.cleanup);

const ATOMIC = pathToFileURL(join(repoRoot, "dist", "src", "io", "atomic.js")).href;

/**
 * A child that stages `target` with a file naming `tag`, writes `<control>/ready-<tag>`, waits for
 * `<control>/go-<tag>`, then publishes; it prints "ok" or "error: <message>". With `hang`, it never
 * publishes (it is killed while staging).
 */
const WRITER = `
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
const { publishDirectoryAtomic } = await import(process.env.ATOMIC);
const [target, control, tag, hang] = process.argv.slice(2);
const sleep = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
try {
  await publishDirectoryAtomic(target, (staging) => {
    writeFileSync(join(staging, "model.safetensors"), "weights of " + tag + "\\n".repeat(4096));
    writeFileSync(join(staging, "writer.txt"), tag);
    writeFileSync(join(control, "ready-" + tag), String(process.pid));
    while (!existsSync(join(control, "go-" + tag)) || hang === "hang") sleep();
  });
  console.log("ok");
} catch (error) {
  console.log("error: " + error.message);
}
`;

function startWriter(target: string, control: string, tag: string, hang = false) {
  const script = join(temp.dir, "writer.mjs");
  if (!existsSync(script)) writeFileSync(script, WRITER);
  const child = spawn(process.execPath, [script, target, control, tag, hang ? "hang" : ""], {
    env: { ...process.env, ATOMIC },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  const done = new Promise<string>((resolve) => child.on("close", () => resolve(out.trim())));
  return { child, done };
}

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 2000 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(existsSync(path), `${path} never appeared`);
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve() : child.on("exit", () => resolve()),
  );
}

describe("publishing a folder from two processes", () => {
  it("the writer that publishes second fails, and the first one's folder stays whole", async () => {
    const parent = join(temp.dir, "sequenced");
    const target = join(parent, "edited");
    const control = temp.dir;
    const a = startWriter(target, control, "A1");
    const b = startWriter(target, control, "B1");
    await Promise.all([waitFor(join(control, "ready-A1")), waitFor(join(control, "ready-B1"))]);
    writeFileSync(join(control, "go-A1"), "");
    assert.equal(await a.done, "ok");
    writeFileSync(join(control, "go-B1"), "");
    assert.match(await b.done, /^error: .*edited.*(already exists|appeared)/);
    assert.equal(readFileSync(join(target, "writer.txt"), "utf8"), "A1");
    assert.deepEqual(readdirSync(parent), ["edited"], "no staging folder is left");
  });

  it("released together, exactly one of two writers succeeds, every time", async () => {
    for (let round = 0; round < 4; round++) {
      const parent = join(temp.dir, `together-${round}`);
      const target = join(parent, "edited");
      const tags = [`A${round}x`, `B${round}x`];
      const writers = tags.map((tag) => startWriter(target, temp.dir, tag));
      await Promise.all(tags.map((tag) => waitFor(join(temp.dir, `ready-${tag}`))));
      for (const tag of tags) writeFileSync(join(temp.dir, `go-${tag}`), "");
      const results = await Promise.all(writers.map((w) => w.done));
      assert.equal(results.filter((r) => r === "ok").length, 1, results.join(" | "));
      const winner = tags[results.indexOf("ok")];
      assert.equal(readFileSync(join(target, "writer.txt"), "utf8"), winner);
      assert.deepEqual(readdirSync(parent), ["edited"]);
    }
  });
});

describe("staging folders left by SIGKILL", () => {
  it("are marked as locedit's; the next publish beside them removes them and says so", async () => {
    const parent = join(temp.dir, "killed");
    const target = join(parent, "edited");
    const killed = startWriter(target, temp.dir, "K", true);
    await waitFor(join(temp.dir, "ready-K"));
    killed.child.kill("SIGKILL");
    await exited(killed.child);
    const left = readdirSync(parent);
    assert.equal(left.length, 1);
    assert.match(left[0], new RegExp(`^edited\\.tmp-${killed.child.pid}-[0-9a-f]{8}$`));
    const marker = JSON.parse(readFileSync(join(parent, left[0], STAGING_MARKER), "utf8"));
    assert.equal(marker.pid, killed.child.pid);

    // A folder that merely looks like a staging folder, without the marker, is not locedit's.
    const lookalike = join(parent, `notes.tmp-${killed.child.pid}-0123abcd`);
    writeFileSync(lookalike, "a user's file");
    const notices: string[] = [];
    await publishDirectoryAtomic(join(parent, "other"), (staging) => writeFileSync(join(staging, "x"), "1"), {
      onNotice: (message) => notices.push(message),
    });
    assert.deepEqual(
      readdirSync(parent).sort(),
      ["notes.tmp-" + killed.child.pid + "-0123abcd", "other"].sort(),
    );
    assert.equal(notices.length, 1);
    assert.match(notices[0], new RegExp(`removed .*${left[0]}.*process ${killed.child.pid}`));
  });
});
