// MEMIT and MEMIT+BLUE against committed goldens from an independent PyTorch implementation
// (scripts/golden/make_edit_goldens.py; test/fixtures/editing/README.md): C0's trace, each request's
// z and initial hidden state, the compute_z losses, and every ΔW, within 1e-3 relative.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { METHODS } from "../../src/editing/methods/index.js";
import type { PreparedRequest, PromptAt } from "../../src/editing/prepare/prepared-request.js";
import type { CausalLM } from "../../src/models/causal-lm.js";
import { makeBatch } from "../../src/runtime/batch.js";
import { repoRoot } from "../models/golden-helpers.js";
import { fixtureModel, testContext, testHparams } from "./helpers.js";

interface GoldenRequest {
  target: number[];
  rewrite: PromptAt[];
  groups: number[];
  kl: PromptAt;
}

interface GoldenRun {
  z: number[][] | Record<string, number[][]>;
  h_init: number[][] | Record<string, number[][]>;
  z_loss: number[][] | Record<string, number[][]>;
  deltas: Record<string, number[]>;
}

interface Golden {
  inputs: {
    hparams: Record<string, number | number[]>;
    corpus: number[][];
    requests: GoldenRequest[];
  };
  C0_trace: Record<string, number>;
  C0_count: number;
  memit: GoldenRun;
  memit_blue: GoldenRun;
}

/** max |ours − ref| / max |ref| */
function relativeError(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  assert.equal(ours.length, ref.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / scale;
}

function covariances(model: CausalLM, corpus: number[][], layers: number[]): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  let count = 0;
  for (const seq of corpus) {
    const trace = model.forward(makeBatch([seq]), {
      endLayer: Math.max(...layers) + 1,
      logits: "none",
      captureLayers: layers,
    });
    for (const layer of layers) {
      const key = trace.layers[layer]!.key;
      const F = key.length / seq.length;
      if (!out.has(layer)) out.set(layer, new Float64Array(F * F));
      const c = out.get(layer)!;
      for (let t = 0; t < seq.length; t++)
        for (let i = 0; i < F; i++)
          for (let j = 0; j < F; j++) c[i * F + j] += key[t * F + i] * key[t * F + j];
    }
    count += seq.length;
  }
  for (const c of out.values()) for (let i = 0; i < c.length; i++) c[i] /= count;
  return out;
}

for (const [file, name] of [
  ["memit-gpt2-tiny.json", "gpt2-tiny"],
  ["memit-llama-tiny.json", "llama-tiny"],
] as const) {
  describe(`MEMIT golden (${name})`, () => {
    const golden = JSON.parse(
      readFileSync(join(repoRoot, "test", "fixtures", "editing", file), "utf8"),
    ) as Golden;
    const model = fixtureModel(name);
    const h = golden.inputs.hparams;
    const layers = h.layers as number[];
    const cov = covariances(model, golden.inputs.corpus, layers);
    const requests: PreparedRequest[] = golden.inputs.requests.map((r, i) => ({
      request: { prompt: "{}", subject: `s${i}`, targetNew: ` t${i}` },
      targetIds: r.target,
      rewrite: r.rewrite,
      groups: r.groups,
      kl: r.kl,
    }));
    const hparams = (blue: boolean) =>
      testHparams({
        layers: blue ? (h.blue_layers as number[]) : layers,
        blue,
        v_num_grad_steps: h.v_num_grad_steps as number,
        v_lr: h.v_lr as number,
        v_loss_layer: h.v_loss_layer as number,
        v_weight_decay: h.v_weight_decay as number,
        clamp_norm_factor: h.clamp_norm_factor as number,
        kl_factor: h.kl_factor as number,
        mom2_update_weight: h.mom2_update_weight as number,
      });

    it("C0 matches (trace, count)", () => {
      for (const layer of layers) {
        const c = cov.get(layer)!;
        const F = Math.round(Math.sqrt(c.length));
        let trace = 0;
        for (let i = 0; i < F; i++) trace += c[i * F + i];
        assert.ok(
          Math.abs(trace - golden.C0_trace[layer]) <= 1e-5 * golden.C0_trace[layer],
          `layer ${layer}: ${trace}`,
        );
      }
    });

    it("MEMIT: z, h and ΔW of every layer within 1e-3", () => {
      const result = METHODS.memit(testContext(model, hparams(false), cov), requests);
      const [zLog] = result.z;
      const ref = golden.memit;
      (ref.z as number[][]).forEach((z, r) =>
        assert.ok(relativeError(zLog.z[r], z) < 1e-3, `z of request ${r}`),
      );
      (ref.h_init as number[][]).forEach((hi, r) =>
        assert.ok(relativeError(zLog.hInit[r], hi) < 1e-4, `h of ${r}`),
      );
      (ref.z_loss as number[][]).forEach(([before, afterLoss], r) => {
        assert.ok(Math.abs(zLog.lossBefore[r] - before) < 1e-4 * before, `initial loss of ${r}`);
        assert.ok(Math.abs(zLog.lossAfter[r] - afterLoss) < 1e-3 * afterLoss, `final loss of ${r}`);
      });
      assert.deepEqual(
        result.updates.map((u) => u.layer),
        layers,
      );
      for (const u of result.updates) {
        const err = relativeError(u.delta, ref.deltas[String(u.layer)]);
        assert.ok(err < 1e-3, `ΔW of layer ${u.layer}: relative error ${err}`);
      }
    });

    it("MEMIT+BLUE: z at each boundary layer and both ΔW within 1e-3", () => {
      const result = METHODS.memit(testContext(model, hparams(true), cov), requests);
      const ref = golden.memit_blue;
      for (const zLog of result.z) {
        const zs = (ref.z as Record<string, number[][]>)[String(zLog.layer)];
        zs.forEach((z, r) =>
          assert.ok(relativeError(zLog.z[r], z) < 1e-3, `z of ${r} at layer ${zLog.layer}`),
        );
      }
      for (const u of result.updates) {
        const err = relativeError(u.delta, ref.deltas[String(u.layer)]);
        assert.ok(err < 1e-3, `ΔW of layer ${u.layer}: relative error ${err}`);
      }
    });
  });
}
