// Shared helpers for the editing tests: the tiny fixture models, random token-level requests
// (PreparedRequest) and C0 from a forward over random token sequences, in float64.
import { loadModel } from "../../src/models/load.js";
import type { CausalLM } from "../../src/models/causal-lm.js";
import { makeBatch } from "../../src/runtime/batch.js";
import type { EditHparams } from "../../src/editing/hparams/types.js";
import type { PreparedRequest } from "../../src/editing/prepare/prepared-request.js";
import type { MethodContext } from "../../src/editing/methods/types.js";
import { createRng } from "../../src/util/random.js";
import { fixtureDir } from "../models/golden-helpers.js";

export function fixtureModel(name: "gpt2-tiny" | "llama-tiny" | "gptj-tiny"): CausalLM {
  return loadModel(fixtureDir(name));
}

/**
 * n requests over random ids: a plain prompt (one id, a subject of 1–2 ids, `tail` more ids), two
 * templated variants (random 2-id prefix), one target id each (distinct targets), a KL prompt.
 */
export function randomRequests(
  model: CausalLM,
  n: number,
  seed: number,
  targetLength = 1,
  /** ids after the subject before the target (random-weight models carry little through attention) */
  tail = 2,
): PreparedRequest[] {
  const rng = createRng(seed);
  const V = model.config.vocabSize;
  const id = () => 1 + rng.int(V - 1);
  const targets = new Set<number>();
  return Array.from({ length: n }, (_, i) => {
    const subject = Array.from({ length: 1 + rng.int(2) }, id);
    const plain = [id(), ...subject, ...Array.from({ length: tail }, id)];
    const lookup = subject.length;
    const prefixes = [0, 1].map(() => [id(), id()]);
    let target: number[];
    do target = Array.from({ length: targetLength }, id);
    while (targets.has(target[0]));
    targets.add(target[0]);
    return {
      request: { prompt: "{}", subject: `s${i}`, targetNew: ` t${i}`, id: i },
      targetIds: target,
      rewrite: [
        { ids: plain, lookup },
        ...prefixes.map((p) => ({ ids: [...p, ...plain], lookup: lookup + 2 })),
      ],
      groups: [1, 2],
      kl: { ids: [...subject, id(), id()], lookup: subject.length - 1 },
    };
  });
}

/** C0 (float64, d_ff²) of each layer over `sequences` random sequences of length 24. */
export function randomCovariances(model: CausalLM, layers: readonly number[], seed = 7, sequences = 48) {
  const rng = createRng(seed);
  const V = model.config.vocabSize;
  const seqs = Array.from({ length: sequences }, () => Array.from({ length: 24 }, () => rng.int(V)));
  const trace = model.forward(makeBatch(seqs), {
    endLayer: Math.max(...layers) + 1,
    logits: "none",
    captureLayers: layers,
  });
  const out = new Map<number, Float64Array>();
  for (const layer of layers) {
    const key = trace.layers[layer]!.key;
    const N = seqs.length * 24;
    const F = key.length / N;
    const c = new Float64Array(F * F);
    for (let t = 0; t < N; t++)
      for (let i = 0; i < F; i++) {
        const ki = key[t * F + i];
        for (let j = 0; j < F; j++) c[i * F + j] += (ki * key[t * F + j]) / N;
      }
    out.set(layer, c);
  }
  return out;
}

export function testHparams(overrides: Partial<EditHparams>): EditHparams {
  return {
    layers: [0, 1],
    blue: false,
    fact_token: "subject_last",
    v_num_grad_steps: 25,
    v_lr: 0.5,
    v_loss_layer: 2,
    v_weight_decay: 0.5,
    clamp_norm_factor: 4,
    kl_factor: 0.0625,
    mom2_adjustment: true,
    mom2_update_weight: 10,
    mom2_n_samples: 1000,
    mom2_dtype: "float32",
    context_template_length_params: [[10, 5]],
    nullspace_threshold: 2e-2,
    L2: 1,
    nll_loss_factor: 1,
    ...overrides,
  };
}

export function testContext(
  model: CausalLM,
  hparams: EditHparams,
  covariances: Map<number, Float64Array>,
): MethodContext {
  return { model, hparams, covariance: (layer) => covariances.get(layer)! };
}

/** Argmax of the next-token logits after each request's plain prompt. */
export function plainPromptArgmax(model: CausalLM, requests: readonly PreparedRequest[]): number[] {
  const V = model.config.vocabSize;
  return requests.map((r) => {
    const ids = r.rewrite[0].ids;
    const { logits } = model.forward(makeBatch([ids]), { logits: [{ row: 0, position: ids.length - 1 }] });
    let best = 0;
    for (let v = 1; v < V; v++) if (logits[v] > logits[best]) best = v;
    return best;
  });
}

/** All parameters, copied (for bit-exact comparisons). */
export function copyParams(model: CausalLM): Map<string, Float32Array> {
  return new Map([...model.params.keys()].map((k) => [k, model.param(k).slice()]));
}

export function sameParams(model: CausalLM, copy: Map<string, Float32Array>): string[] {
  const differ: string[] = [];
  for (const [name, values] of copy) {
    const now = model.param(name);
    for (let i = 0; i < values.length; i++)
      if (!Object.is(now[i], values[i])) {
        differ.push(name);
        break;
      }
  }
  return differ;
}
