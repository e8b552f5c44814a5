// Tests for src/hub (locedit download as a library call) against a fake hub on 127.0.0.1
// (fake-hub.ts): what is fetched, resume after a dropped connection (within a run and across
// runs, checked byte for byte and by the Range asked), checksum, 401/403/404 errors, and the
// atomic final folder. No test reaches the internet.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { downloadModel, type DownloadOptions } from "../../src/hub/download.js";
import { loadModel } from "../../src/models/load.js";
import { saveModel } from "../../src/models/save.js";
import { makeTempDir } from "../io/fixtures.js";
import { repoRoot } from "../models/golden-helpers.js";
import { FakeHub, pseudoRandomBytes, type FakeRepo } from "./fake-hub.js";

const SOURCE = join(repoRoot, "models", "tiny-random-llama");
const COMMIT = "0123456789abcdef0123456789abcdef01234567";
const temp = makeTempDir();
after(temp.cleanup);

/** The files of a model folder, as a repo's content. */
function folderFiles(dir: string): Record<string, Uint8Array> {
  return Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
}

/** A sharded copy of the bundled tiny model (3 shards + index) plus files locedit must skip. */
function shardedRepoFiles(): Record<string, Uint8Array> {
  const dir = join(temp.dir, "sharded-source");
  saveModel(loadModel(SOURCE), dir, { maxShardBytes: 70_000, copyFilesFrom: SOURCE });
  return {
    ...folderFiles(dir),
    "consolidated.safetensors": pseudoRandomBytes(5000, 3),
    "pytorch_model.bin": pseudoRandomBytes(4000, 4),
    "README.md": new TextEncoder().encode("# a model card\n"),
  };
}

function repo(name: string, files: Record<string, Uint8Array>, extra: Partial<FakeRepo> = {}): FakeRepo {
  return { repo: name, commit: COMMIT, files, ...extra };
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the download to fail");
}

describe("downloadModel against a local hub", () => {
  const single = folderFiles(SOURCE);
  const sharded = shardedRepoFiles();
  const shardNames = Object.keys(sharded)
    .filter((n) => /^model-\d+-of-\d+\.safetensors$/.test(n))
    .sort();
  const hub = new FakeHub([
    repo("org/single", { ...single, "pytorch_model.bin": pseudoRandomBytes(3000, 1) }),
    repo("org/sharded", sharded, { drops: { [shardNames[1]]: { after: 20_000, times: 1 } } }),
    repo("org/flaky", sharded, { drops: { [shardNames[0]]: { after: 30_000, times: 1 } } }),
    repo("org/bad-sum", single, { wrongSha256: ["model.safetensors"] }),
    repo("org/private", single, { token: "secret-token" }),
    repo("org/no-blobs", single, { noBlobs: true }),
    repo("org/no-range", single, {
      ignoreRange: ["model.safetensors"],
      drops: { "model.safetensors": { after: 10_000, times: 1 } },
    }),
    repo("org/gone-file", single, { missing: ["tokenizer.json"] }),
    repo("org/pytorch-only", {
      "config.json": single["config.json"],
      "pytorch_model.bin": pseudoRandomBytes(100, 2),
    }),
  ]);
  let endpoint = "";
  before(async () => {
    endpoint = await hub.start();
  });
  after(() => hub.stop());
  const options = (extra: DownloadOptions = {}): DownloadOptions => ({
    endpoint,
    token: null,
    retryDelayMs: 5,
    ...extra,
  });
  const out = (name: string) => join(temp.dir, "out", name);

  it("fetches config, tokenizer and model.safetensors only, at the resolved commit", async () => {
    const progress: number[] = [];
    const result = await downloadModel(
      "org/single",
      out("single"),
      options({ onProgress: (p) => progress.push(p.doneBytes) }),
    );
    assert.equal(result.commit, COMMIT);
    assert.deepEqual(readdirSync(out("single")).sort(), Object.keys(single).sort());
    for (const name of Object.keys(single))
      assert.ok(readFileSync(join(out("single"), name)).equals(single[name]), name);
    assert.equal(existsSync(`${out("single")}.partial`), false);
    assert.ok(hub.requests.every((r) => !r.path.includes("pytorch_model.bin")));
    assert.ok(hub.fileRequests("model.safetensors").some((r) => r.path.includes(`/resolve/${COMMIT}/`)));
    assert.equal(progress.at(-1), result.bytes);
    assert.ok(
      progress.every((v, i) => i === 0 || v >= progress[i - 1]),
      "progress never goes back",
    );
    loadModel(out("single"));
  });

  it("fetches the index and exactly its shards, resuming a shard whose connection dropped", async () => {
    const notes: string[] = [];
    await downloadModel("org/sharded", out("sharded"), options({ onNote: (m) => notes.push(m) }));
    const got = readdirSync(out("sharded")).sort();
    assert.deepEqual(
      got,
      [
        "config.json",
        "model.safetensors.index.json",
        ...shardNames,
        "tokenizer.json",
        "tokenizer_config.json",
      ].sort(),
    );
    for (const name of got) assert.ok(readFileSync(join(out("sharded"), name)).equals(sharded[name]), name);
    const tries = hub.fileRequests(shardNames[1]).filter((r) => r.path.startsWith("/blobs/"));
    assert.equal(tries.length, 2);
    assert.equal(tries[0].range, null);
    assert.equal(tries[0].sent, 20_000);
    assert.equal(tries[1].range, "bytes=20000-", "the retry continues from the partial bytes");
    assert.equal(tries[1].sent, sharded[shardNames[1]].length - 20_000);
    assert.ok(
      notes.some((n) => n.includes(shardNames[1]) && n.includes("resuming at byte 20000")),
      notes.join("\n"),
    );
    assert.equal(loadModel(out("sharded")).numLayers, loadModel(SOURCE).numLayers);
  });

  it("a second run resumes the partial file a failed run left", async () => {
    const message = await rejection(downloadModel("org/flaky", out("flaky"), options({ retries: 0 })));
    assert.match(
      message,
      new RegExp(
        `${shardNames[0]}: download failed 1 times .*30000 of \\d+ bytes are kept in .*run the same command again to resume`,
      ),
    );
    assert.equal(existsSync(out("flaky")), false);
    const part = join(`${out("flaky")}.partial`, `${shardNames[0]}.part`);
    assert.equal(statSync(part).size, 30_000);
    const notes: string[] = [];
    await downloadModel("org/flaky", out("flaky"), options({ onNote: (m) => notes.push(m) }));
    const tries = hub
      .fileRequests(shardNames[0])
      .filter((r) => r.path.startsWith("/blobs/") && r.path.includes("org/flaky"));
    assert.deepEqual(
      tries.map((r) => r.range),
      [null, "bytes=30000-"],
    );
    assert.ok(readFileSync(join(out("flaky"), shardNames[0])).equals(sharded[shardNames[0]]));
    assert.ok(notes.some((n) => n.startsWith("resuming the download")));
    const configTries = hub.requests.filter(
      (r) => r.path.includes("org/flaky/resolve") && r.path.endsWith("/config.json"),
    );
    assert.equal(configTries.length, 1, "files completed by the first run are not fetched again");
    assert.equal(existsSync(`${out("flaky")}.partial`), false);
  });

  it("a server that ignores Range makes the file start over, still correct", async () => {
    const notes: string[] = [];
    await downloadModel("org/no-range", out("no-range"), options({ onNote: (m) => notes.push(m) }));
    assert.ok(readFileSync(join(out("no-range"), "model.safetensors")).equals(single["model.safetensors"]));
    assert.ok(
      notes.some((n) => n.includes("ignored the Range request")),
      notes.join("\n"),
    );
  });

  it("a wrong SHA-256 names the file and both hashes and leaves no folder", async () => {
    const message = await rejection(downloadModel("org/bad-sum", out("bad-sum"), options()));
    assert.match(
      message,
      /^model\.safetensors: SHA-256 mismatch: the hub lists [0-9a-f]{64}, the \d+ downloaded bytes hash to [0-9a-f]{64}/,
    );
    assert.ok(message.includes(hub.listedSha256("org/bad-sum", "model.safetensors")));
    assert.ok(message.includes(hub.trueSha256("org/bad-sum", "model.safetensors")));
    assert.equal(existsSync(out("bad-sum")), false);
    assert.equal(existsSync(join(`${out("bad-sum")}.partial`, "model.safetensors.part")), false);
  });

  it("401 without a token points at HF_TOKEN; the token is sent as a bearer; a wrong one is named", async () => {
    const missing = await rejection(downloadModel("org/private", out("private"), options()));
    assert.match(missing, /^org\/private@main: HTTP 401 .*set HF_TOKEN/);
    const wrong = await rejection(downloadModel("org/private", out("private"), options({ token: "nope" })));
    assert.match(wrong, /the hub refused HF_TOKEN/);
    await downloadModel("org/private", out("private"), options({ token: "secret-token" }));
    assert.ok(readFileSync(join(out("private"), "model.safetensors")).equals(single["model.safetensors"]));
  });

  it("404s name the repository, the revision or the file", async () => {
    assert.match(
      await rejection(downloadModel("org/nothing", out("x"), options())),
      /repository org\/nothing or revision "main" not found at http:\/\/127\.0\.0\.1/,
    );
    assert.match(
      await rejection(downloadModel("org/single", out("x"), options({ revision: "v9" }))),
      /org\/single@v9: HTTP 404, revision "v9" not found in org\/single \(check --revision\)/,
    );
    assert.match(
      await rejection(downloadModel("org/gone-file", out("x"), options())),
      /tokenizer\.json: HTTP 404, file tokenizer\.json not found in org\/gone-file/,
    );
    assert.match(
      await rejection(downloadModel("org/pytorch-only", out("x"), options())),
      /no model\.safetensors or model\.safetensors\.index\.json \(it holds pytorch_model\.bin\)/,
    );
    assert.equal(existsSync(out("x")), false);
  });

  it("sizes come from the tree API when the revision API lists none", async () => {
    await downloadModel("org/no-blobs", out("no-blobs"), options());
    assert.ok(hub.requests.some((r) => r.path.startsWith(`/api/models/org/no-blobs/tree/${COMMIT}`)));
    assert.ok(readFileSync(join(out("no-blobs"), "model.safetensors")).equals(single["model.safetensors"]));
  });

  it("refuses an existing --out, a foreign .partial folder and a malformed repo id", async () => {
    const existing = out("existing");
    mkdirSync(existing, { recursive: true });
    const before = hub.requests.length;
    assert.match(
      await rejection(downloadModel("org/single", existing, options())),
      /already exists; locedit download never overwrites/,
    );
    assert.equal(hub.requests.length, before, "nothing is fetched");
    mkdirSync(`${out("foreign")}.partial`, { recursive: true });
    writeFileSync(join(`${out("foreign")}.partial`, "notes.txt"), "mine");
    assert.match(
      await rejection(downloadModel("org/single", out("foreign"), options())),
      /exists but was not left by locedit download/,
    );
    assert.match(
      await rejection(downloadModel("../etc", out("y"), options())),
      /not of the form owner\/name/,
    );
  });
});
