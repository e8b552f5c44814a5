// Causal tracing's restorations on the bundled tiny-facts model: restoring the clean state
// everywhere gives the clean probability bit for bit and restoring nothing the corrupted one;
// a single restoration agrees with an independent full forward that adds (clean − corrupted) at
// the same site through the model's delta hooks; the noise is seeded and the trace deterministic.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import type { CausalLM } from "../../src/models/causal-lm.js";
import { loadModel } from "../../src/models/load.js";
import type { DeltaHook, DeltaSite } from "../../src/models/types.js";
import { logSoftmax } from "../../src/runtime/loss.js";
import { loadTokenizer } from "../../src/tokenizers/load-tokenizer.js";
import type { Tokenizer } from "../../src/tokenizers/tokenizer.js";
import {
  embeddingStd,
  locateFact,
  prepareFactRun,
  restoredProbability,
  traceFact,
  type FactRun,
} from "../../src/trace/index.js";
import { repoRoot } from "../models/golden-helpers.js";

const MODEL = join(repoRoot, "models", "tiny-facts");
const FACT = { prompt: "Zira Kudor holds a passport from", subject: "Zira Kudor" };

/** p(answer) averaged over rows, from one full forward of the corrupted input with delta hooks. */
function hookedProbability(model: CausalLM, run: FactRun, deltas: DeltaHook[]): number {
  const rows = Array.from({ length: run.batch.B }, (_, row) => ({ row, position: run.batch.T - 1 }));
  const { logits } = model.forward(run.batch, {
    start: { layer: 0, hidden: run.corrupted.input },
    deltas,
    logits: rows,
  });
  const V = model.config.vocabSize;
  return rows.reduce((a, _, m) => a + Math.exp(logSoftmax(logits, m * V, V)[run.answerId]), 0) / rows.length;
}

describe("causal tracing restorations (tiny-facts)", () => {
  let model: CausalLM;
  let tokenizer: Tokenizer;
  let run: FactRun;
  before(async () => {
    model = loadModel(MODEL);
    tokenizer = await loadTokenizer(MODEL);
    const fact = locateFact(tokenizer, FACT);
    const sigma = embeddingStd(model, fact.ids.slice(fact.subject.start, fact.subject.end));
    run = prepareFactRun(model, fact.ids, fact.subject, { samples: 4, noiseStd: 3 * sigma, seed: 1 });
  });

  it("the fact is known and the noise destroys it", () => {
    assert.equal(tokenizer.decode([run.answerId]), " Nigeria");
    assert.ok(run.cleanProbability > 0.9, `clean p = ${run.cleanProbability}`);
    assert.ok(run.corruptedProbability < 0.5, `corrupted p = ${run.corruptedProbability}`);
  });

  it("restoring every layer at every position gives back the clean probability exactly", () => {
    const L = model.numLayers;
    const all = Array.from({ length: run.batch.T }, (_, t) => t);
    const layers = Array.from({ length: L }, (_, l) => l);
    assert.equal(
      restoredProbability(model, run, { kind: "block", layers, positions: all }),
      run.cleanProbability,
    );
    // every position of one layer suffices: the layers above then run on the clean state
    for (const l of [0, 1, L - 1])
      assert.equal(
        restoredProbability(model, run, { kind: "block", layers: [l], positions: all }),
        run.cleanProbability,
        `layer ${l}`,
      );
  });

  it("restoring nothing gives the corrupted probability exactly", () => {
    for (const kind of ["block", "mlp", "attn"] as const) {
      assert.equal(
        restoredProbability(model, run, { kind, layers: [], positions: [0] }),
        run.corruptedProbability,
      );
      assert.equal(
        restoredProbability(model, run, { kind, layers: [1], positions: [] }),
        run.corruptedProbability,
      );
    }
    // the last layer's state at the subject cannot reach the last position's prediction
    const subjectLast = run.subject.end - 1;
    assert.equal(
      restoredProbability(model, run, {
        kind: "block",
        layers: [model.numLayers - 1],
        positions: [subjectLast],
      }),
      run.corruptedProbability,
    );
  });

  it("a restoration equals a full forward adding clean − corrupted at the same site", () => {
    const C = model.config.hiddenSize;
    const T = run.batch.T;
    const sites: [kind: "block" | "mlp" | "attn", site: DeltaSite, key: "out" | "mlp" | "attn"][] = [
      ["block", "block", "out"],
      ["mlp", "mlp", "mlp"],
      ["attn", "attn", "attn"],
    ];
    for (const [kind, site, key] of sites)
      for (const [layer, t] of [
        [0, run.subject.end - 1],
        [1, T - 1],
        [2, 0],
      ]) {
        const deltas: DeltaHook[] = Array.from({ length: run.batch.B }, (_, row) => {
          const n = (row * T + t) * C;
          const vector = new Float32Array(C);
          for (let c = 0; c < C; c++)
            vector[c] = run.clean[key][layer][n + c] - run.corrupted[key][layer][n + c];
          return { layer, site, row, position: t, vector };
        });
        const expected = hookedProbability(model, run, deltas);
        const got = restoredProbability(model, run, { kind, layers: [layer], positions: [t] });
        // float32 activations of width 128 through ≤ 4 layers: agreement to ~1e-6 relative
        assert.ok(
          Math.abs(got - expected) <= 1e-4 * Math.max(expected, 1e-3),
          `${kind} l${layer} t${t}: ${got} vs ${expected}`,
        );
      }
  });

  it("the noise is seeded: the same seed gives the same trace, another seed another corruption", () => {
    const options = { samples: 3, kinds: ["block", "mlp"] as const };
    const a = traceFact(model, tokenizer, FACT, { ...options, kinds: [...options.kinds] });
    const b = traceFact(model, tokenizer, FACT, { ...options, kinds: [...options.kinds] });
    assert.deepEqual(a, b);
    const c = traceFact(model, tokenizer, FACT, { samples: 3, kinds: ["block"], seed: 2 });
    assert.notEqual(c.corruptedProbability, a.corruptedProbability);
    assert.equal(a.noise.std, 3 * a.noise.embeddingStd);
    assert.deepEqual(a.subjectRange, [0, 2]);
    assert.equal(a.kinds[0].scores.length, a.tokens.length);
    assert.equal(a.kinds[0].scores[0].length, model.numLayers);
  });

  it("embeddingStd is the unbiased std of the subject's embedding rows", () => {
    const ids = [5, 17];
    const wte = model.param(model.arch.embedding.tokens);
    const C = model.config.hiddenSize;
    const xs = ids.flatMap((id) => Array.from(wte.subarray(id * C, id * C + C)));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const expected = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1));
    assert.ok(Math.abs(embeddingStd(model, ids) - expected) <= 1e-12 * expected);
  });

  it("bad input gets a clear error", () => {
    assert.throws(
      () => traceFact(model, tokenizer, { prompt: "Somebody holds a passport from", subject: "Zira Kudor" }),
      /subject "Zira Kudor" does not occur in prompt/,
    );
    assert.throws(
      () => traceFact(model, tokenizer, FACT, { kinds: ["mlp", "neuron" as never] }),
      /unknown kind 'neuron': expected one of block, mlp, attn/,
    );
    assert.throws(
      () => traceFact(model, tokenizer, FACT, { window: 5 }),
      /window 5 is larger than the model, which has 4 layers/,
    );
    assert.throws(
      () => restoredProbability(model, run, { kind: "block", layers: [4], positions: [0] }),
      /restored layer 4 is not a layer of the model \(0 … 3\)/,
    );
    assert.throws(
      () => restoredProbability(model, run, { kind: "block", layers: [0], positions: [99] }),
      /restored position 99 is not a position of the prompt/,
    );
  });
});
