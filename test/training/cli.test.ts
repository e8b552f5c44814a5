// `locedit train` end to end: a tiny run writes a Hugging Face folder that loadModel and
// loadTokenizer read, with training.json; rerunning with --resume continues from the checkpoint
// to the same weights; --world reports knowledge per split; bad arguments exit with status 2.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { MIN_SUBJECTS } from "../../src/data/world/index.js";
import { loadModel } from "../../src/models/load.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import { repoRoot } from "../models/golden-helpers.js";
import { factDocuments } from "./corpus.js";

const CLI = join(repoRoot, "dist", "src", "cli", "main.js");
const scratch = mkdtempSync(join(tmpdir(), "locedit-train-cli-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

function train(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, "train", ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const TINY = [
  "--layers",
  "1",
  "--dim",
  "32",
  "--heads",
  "2",
  "--seq-len",
  "32",
  "--batch-size",
  "4",
  "--vocab-size",
  "300",
];

describe("locedit train", () => {
  const text = join(scratch, "facts.txt");
  writeFileSync(text, factDocuments().join("\n") + "\n");
  const out = join(scratch, "model");
  const args = [
    "--text",
    text,
    "--out",
    out,
    ...TINY,
    "--steps",
    "6",
    "--checkpoint-every",
    "3",
    "--seed",
    "4",
  ];

  it("writes a loadable Hugging Face folder and training.json", async () => {
    const r = train(...args, "--arch", "llama", "--json");
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout);
    assert.deepEqual(readdirSync(out).sort(), [
      "config.json",
      "model.safetensors",
      "tokenizer.json",
      "tokenizer_config.json",
      "training.json",
    ]);
    const model = loadModel(out);
    const tokenizer = await loadTokenizer(out);
    assert.equal(model.config.arch, "llama");
    assert.equal(model.config.numLayers, 1);
    assert.equal(model.config.hiddenSize, 32);
    assert.equal(model.config.vocabSize, tokenizer.vocabSize);
    assert.equal(model.config.eosTokenId, tokenizer.eosTokenId);
    const config = JSON.parse(readFileSync(join(out, "config.json"), "utf8"));
    assert.equal(config.num_hidden_layers, 1);
    assert.equal(config.max_position_embeddings, 32);
    const recorded = JSON.parse(readFileSync(join(out, "training.json"), "utf8"));
    assert.deepEqual(recorded.argv, [...args, "--arch", "llama", "--json"]);
    assert.match(recorded.command, /^locedit train --text \S+facts\.txt --out /);
    assert.equal(recorded.steps, 6);
    assert.equal(recorded.seed, 4);
    assert.equal(recorded.hyperparameters.batchSize, 4);
    assert.ok(recorded.tokens_seen > 0 && recorded.wall_seconds > 0 && Number.isFinite(recorded.final_loss));
    assert.equal(recorded.knowledge, null);
    assert.equal(summary.tokens_seen, recorded.tokens_seen);
    const ids = tokenizer.encode("Varnok was born in");
    assert.equal(tokenizer.decode(ids), "Varnok was born in");
  });

  it("--resume continues from the newest checkpoint to the same weights", () => {
    const first = train(...args);
    assert.equal(first.code, 0, first.stderr);
    const weights = readFileSync(join(out, "model.safetensors"));
    assert.deepEqual(readdirSync(`${out}.checkpoints`), ["step-00000003"]);
    const again = train(...args, "--resume");
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /resumed from \S+step-00000003 \(step 3\)/);
    assert.ok(readFileSync(join(out, "model.safetensors")).equals(weights), "same weights after resume");
    const recorded = JSON.parse(readFileSync(join(out, "training.json"), "utf8"));
    assert.match(recorded.checkpoint.resumed_from, /step-00000003$/);
  });

  it("--world trains on the fact world and reports knowledge per split", () => {
    const dir = join(scratch, "world");
    const r = train(
      "--world",
      "2",
      "--world-subjects",
      String(MIN_SUBJECTS),
      "--out",
      dir,
      ...TINY,
      "--steps",
      "2",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /knowledge \(train phrasings\): \d+\/\d+/);
    const recorded = JSON.parse(readFileSync(join(dir, "training.json"), "utf8"));
    assert.equal(recorded.data.kind, "world");
    assert.equal(recorded.data.subjects, MIN_SUBJECTS);
    const { train: onTrain, heldout } = recorded.knowledge;
    assert.ok(onTrain.total > 0 && heldout.total > 0);
    assert.ok(
      onTrain.tooLong + heldout.tooLong > 0,
      "a 300-token vocabulary makes some probes exceed 32 positions",
    );
  });

  it("rejects --world with --text, an unknown --arch and heads that do not divide dim (status 2)", () => {
    for (const bad of [
      ["--world", "1", "--text", text, "--out", out],
      ["--text", text, "--out", out, "--arch", "gptx"],
      ["--text", text, "--out", out, "--dim", "30", "--heads", "4"],
    ]) {
      const r = train(...bad);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /^locedit train: /);
    }
  });
});
