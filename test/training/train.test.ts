// The training loop end to end on a tiny corpus: the loss falls, the step's gradient is the
// gradient of the mean loss, and N steps straight equal N/2 steps + crash + resume + N/2 steps
// bit for bit.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { CausalLM } from "../../src/models/causal-lm.js";
import { native } from "../../src/native/binding.js";
import { makeTrainingBatch, tokenizeDocuments } from "../../src/training/data.js";
import { GradientBuffers } from "../../src/training/gradients.js";
import { configForShape, initialParams } from "../../src/training/model-setup.js";
import { buildTokenizer, END_OF_TEXT } from "../../src/training/tokenizer-builder.js";
import { lossAndGradients } from "../../src/training/train-step.js";
import { DEFAULT_HYPERPARAMETERS, trainModel, type TrainOptions } from "../../src/training/trainer.js";
import { factDocuments } from "./corpus.js";

const scratch = mkdtempSync(join(tmpdir(), "locedit-train-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const tiny = (steps: number, extra: Partial<TrainOptions> = {}): TrainOptions => ({
  documents: factDocuments(),
  vocabSize: 300,
  shape: { arch: "gpt2", layers: 1, dim: 32, heads: 2 },
  hparams: { ...DEFAULT_HYPERPARAMETERS, steps, batchSize: 8, seqLen: 32, lr: 1e-2, warmup: 4 },
  seed: 3,
  ...extra,
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("trainModel", () => {
  it("a one-layer model's loss starts near ln V and falls clearly within 40 steps", () => {
    const result = trainModel(tiny(40));
    const losses = result.state.losses;
    assert.equal(losses.length, 40);
    assert.ok(Math.abs(losses[0] - Math.log(300)) < 0.3, `first loss ${losses[0]} vs ln 300`);
    const [first, last] = [mean(losses.slice(0, 5)), mean(losses.slice(-5))];
    assert.ok(last < 0.4 * first, `loss ${first.toFixed(3)} → ${last.toFixed(3)}`);
    assert.ok(result.state.tokensSeen > 0 && result.tokensPerSecond > 0);
  });

  for (const arch of ["gpt2", "llama"] as const)
    it(`${arch}: the step's gradients are those of the mean next-token loss (finite differences)`, () => {
      const documents = factDocuments().slice(0, 6);
      const { encoder } = buildTokenizer(documents, { vocabSize: 280 });
      const eos = encoder.specialId(END_OF_TEXT);
      const config = configForShape(
        { arch, layers: 1, dim: 16, heads: 2, maxPositions: 32 },
        encoder.vocabSize,
        {
          bos: eos,
          eos,
        },
      );
      const model = new CausalLM(config, initialParams(config, 5, 0.3));
      const data = makeTrainingBatch(
        tokenizeDocuments(documents, (t) => encoder.encode(t), eos, 32),
        eos,
      );
      const grads = new GradientBuffers(model);
      lossAndGradients(model, data, grads);
      // the tied embedding (token rows + LM head) and one block matrix, at their largest gradients
      const names = [model.arch.embedding.tokens, [...grads.owned.keys()].find((n) => n.includes("mlp"))!];
      for (const name of names) {
        const g = grads.owned.get(name)!;
        const order = [...g.keys()].sort((a, b) => Math.abs(g[b]) - Math.abs(g[a])).slice(0, 3);
        const p = model.param(name);
        for (const i of order) {
          const h = 1e-2;
          const saved = p[i];
          p[i] = saved + h;
          const up = lossAndGradients(model, data, new GradientBuffers(model));
          p[i] = saved - h;
          const down = lossAndGradients(model, data, new GradientBuffers(model));
          p[i] = saved;
          const fd = (up - down) / (2 * h);
          // the loss (≈ 6) comes from float32 logits: one float32 ulp of it over 2h is the quotient's
          // noise; each checked |fd| must stand 100× above it (then a zero or sign-flipped gradient,
          // off by |fd| or 2|fd|, fails), and agree to 1e-2 relative (measured ≤ 4.5e-4)
          const noise = 2 ** (Math.floor(Math.log2(up)) - 23) / (2 * h);
          assert.ok(Math.abs(fd) >= 100 * noise, `${name}[${i}]: FD ${fd} is within 100× its noise ${noise}`);
          assert.ok(Math.abs(fd - g[i]) <= 1e-2 * Math.abs(fd), `${name}[${i}]: ${g[i]} vs FD ${fd}`);
        }
      }
    });

  it("N steps straight equal N/2 steps, an interruption, a resume and N/2 more, bit for bit", () => {
    const straight = trainModel(tiny(12));
    const dir = join(scratch, "resume");
    assert.throws(
      () =>
        trainModel(
          tiny(12, {
            checkpointDir: dir,
            checkpointEvery: 3,
            onEvent: (e) => {
              if (e.type === "checkpoint" && e.step === 6) throw new Error("interrupted");
            },
          }),
        ),
      /interrupted/,
    );
    assert.deepEqual(readdirSync(dir).sort(), ["step-00000003", "step-00000006"]);
    const events: string[] = [];
    const resumed = trainModel(
      tiny(12, { checkpointDir: dir, checkpointEvery: 3, resume: true, onEvent: (e) => events.push(e.type) }),
    );
    assert.equal(resumed.resumedFrom, join(dir, "step-00000006"));
    assert.equal(events.filter((e) => e === "step").length, 6);
    assert.deepEqual(resumed.state.losses, straight.state.losses);
    assert.equal(resumed.state.tokensSeen, straight.state.tokensSeen);
    for (const spec of straight.model.specs)
      assert.deepEqual(resumed.model.param(spec.name), straight.model.param(spec.name), spec.name);
    // only the newest two checkpoints are kept
    assert.deepEqual(readdirSync(dir).sort(), ["step-00000006", "step-00000009"]);
  });

  it("keepFreedMemory (glibc malloc settings of the train command) leaves results bit for bit the same", () => {
    const before = trainModel(tiny(6));
    const glibc = Boolean(
      (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header
        ?.glibcVersionRuntime,
    );
    assert.equal(native.keepFreedMemory(), glibc);
    const after = trainModel(tiny(6));
    assert.deepEqual(after.state.losses, before.state.losses);
    for (const spec of before.model.specs)
      assert.deepEqual(after.model.param(spec.name), before.model.param(spec.name), spec.name);
  });

  it("refuses to resume a checkpoint of a different run, naming the field", () => {
    const dir = join(scratch, "mismatch");
    trainModel(tiny(4, { checkpointDir: dir, checkpointEvery: 2 }));
    assert.ok(existsSync(join(dir, "step-00000002", "model", "tokenizer.json")));
    const changed = tiny(4, { checkpointDir: dir, resume: true });
    changed.hparams = { ...changed.hparams, lr: 5e-3 };
    assert.throws(() => trainModel(changed), /'hparams\.lr' was 0\.01 in the checkpoint but is 0\.005/);
  });
});
