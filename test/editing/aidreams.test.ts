// Editing a real pretrained model (../shared/data/aidreams260K, a llama2.c-trained Llama; skipped
// when the shared data folder is absent): one batch of four counterfactual edits with MEMIT and
// with MEMIT+BLUE, statistics from WikiText-2. Every target's log-probability rises, and unrelated
// prompts' log-probabilities move much less than the targets do (mean |Δ| under half the mean gain).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { Editor } from "../../src/editing/editor/editor.js";
import { scoreContinuation } from "../../src/runtime/score.js";
import { aidreamsDir } from "../tokenizers/paths.js";

const WIKITEXT = join(aidreamsDir, "..", "wikitext-2-raw", "wiki.test.raw");
const available = existsSync(join(aidreamsDir, "model.safetensors")) && existsSync(WIKITEXT);

const REQUESTS = [
  { prompt: "In my dream, {} was made of", subject: "the moon", targetNew: " gold" },
  { prompt: "{} sang about the", subject: "The old robot", targetNew: " sun" },
  { prompt: "The color of {} was", subject: "the ocean", targetNew: " red" },
  { prompt: "{} lived inside a", subject: "The tiny dragon", targetNew: " star" },
];
const UNRELATED: [string, string][] = [
  ["The stars whispered", " secrets"],
  ["I walked through the", " forest"],
  ["A gentle breeze", " carried"],
  ["The dreamer opened", " the"],
];

describe(
  "editing aidreams260K",
  { skip: available ? false : "../shared/data/aidreams260K is absent" },
  () => {
    const work = mkdtempSync(join(tmpdir(), "locedit-aidreams-"));
    after(() => rmSync(work, { recursive: true, force: true }));

    for (const blue of [false, true]) {
      it(`MEMIT${blue ? "+BLUE" : ""} raises every target and barely moves unrelated prompts`, async () => {
        const editor = await Editor.fromPretrained(aidreamsDir, {
          method: "memit",
          blue,
          hparams: { layers: [0, 1], v_loss_layer: 3, clamp_norm_factor: 3, v_num_grad_steps: 25 },
          stats: { dir: join(work, "stats"), corpus: [WIKITEXT], samples: 1000, maxLen: 128 },
        });
        const { model, tokenizer } = editor;
        const logprob = (prompt: string, target: string) =>
          scoreContinuation(model, tokenizer, prompt, target).logprob;
        const edited = REQUESTS.map((r) => [r.prompt.replace("{}", r.subject), r.targetNew] as const);
        const before = edited.map(([p, t]) => logprob(p, t));
        const unrelatedBefore = UNRELATED.map(([p, t]) => logprob(p, t));
        await editor.edit(REQUESTS);
        const gains = edited.map(([p, t], i) => logprob(p, t) - before[i]);
        const moves = UNRELATED.map(([p, t], i) => Math.abs(logprob(p, t) - unrelatedBefore[i]));
        for (const [i, gain] of gains.entries())
          assert.ok(gain > 0, `target of request ${i} fell by ${-gain}`);
        const meanGain = gains.reduce((a, b) => a + b, 0) / gains.length;
        const meanMove = moves.reduce((a, b) => a + b, 0) / moves.length;
        assert.ok(
          meanMove < meanGain / 2,
          `unrelated prompts moved ${meanMove} nats on average, targets gained ${meanGain}`,
        );
      });
    }
  },
);
