// What the editing rows of `npm run bench` edit: a random-weight GPT-2-124M-shaped model (LayerNorms
// as a trained GPT-2 has them), CounterFact-like requests in token form, the hyperparameters
// (critical layers 3–8, BLUE 3 and 8; 20 compute_z steps) and the statistics corpus (random ids).
import type { EditHparams } from "../src/editing/hparams/types.js";
import type { PreparedRequest } from "../src/editing/prepare/prepared-request.js";
import type { CausalLM } from "../src/models/causal-lm.js";
import { makeBatch } from "../src/runtime/batch.js";
import type { StatsBatch } from "../src/stats/batches.js";
import { createRng } from "../src/util/random.js";
import { GPT2_124M, randomModel } from "./model.js";

export const LAYERS = [3, 4, 5, 6, 7, 8];
export const STATS = { sequences: 64, length: 128 };

export function benchModel(): CausalLM {
  const model = randomModel(GPT2_124M);
  // LayerNorms as a trained GPT-2 has them (weight ≈ 1, bias ≈ 0), not N(0, 0.02²): with tiny gains
  // every pre-activation sits in GELU's linear part and the keys span only a d_model-wide subspace.
  for (const name of model.params.keys()) if (/ln_[12f]\.weight$/.test(name)) model.param(name).fill(1);
  for (const name of model.params.keys()) if (/ln_[12f]\.bias$/.test(name)) model.param(name).fill(0);
  return model;
}

export function benchHparams(blue: boolean): EditHparams {
  return {
    layers: blue ? [LAYERS[0], LAYERS[LAYERS.length - 1]] : LAYERS,
    blue,
    fact_token: "subject_last",
    v_num_grad_steps: 20,
    v_lr: 0.5,
    v_loss_layer: 11,
    v_weight_decay: 0.5,
    clamp_norm_factor: 0.75,
    kl_factor: 0.0625,
    mom2_adjustment: true,
    mom2_update_weight: 15000,
    mom2_n_samples: STATS.sequences,
    mom2_dtype: "float32",
    context_template_length_params: [[10, 5]],
    nullspace_threshold: 2e-2,
    L2: 10,
    nll_loss_factor: 1,
  };
}

/** `count` requests like CounterFact's: a 10–14-token prompt with a 2–3-token subject, 5 ten-token template prefixes, 1–2 target tokens. */
export function benchRequests(seed: number, count: number): PreparedRequest[] {
  const rng = createRng(seed);
  const V = GPT2_124M.vocabSize;
  const ids = (n: number) => Array.from({ length: n }, () => rng.int(V));
  return Array.from({ length: count }, (_, i) => {
    const before = ids(1 + rng.int(3));
    const subject = ids(2 + rng.int(2));
    const plain = [...before, ...subject, ...ids(10 - before.length - subject.length + rng.int(4))];
    const lookup = before.length + subject.length - 1;
    const templates = Array.from({ length: 5 }, () => ids(10));
    return {
      request: { prompt: "{}", subject: `s${i}`, targetNew: ` t${i}` },
      targetIds: ids(1 + rng.int(2)),
      rewrite: [
        { ids: plain, lookup },
        ...templates.map((t) => ({ ids: [...t, ...plain], lookup: lookup + t.length })),
      ],
      groups: [1, 5],
      kl: { ids: [...subject, ...ids(2)], lookup: subject.length - 1 },
    };
  });
}

/** The statistics corpus: STATS.sequences random sequences of STATS.length ids. */
export function statsCorpus(): number[][] {
  const rng = createRng(8);
  return Array.from({ length: STATS.sequences }, () =>
    Array.from({ length: STATS.length }, () => rng.int(GPT2_124M.vocabSize)),
  );
}

export function statsBatches(corpus: number[][]): StatsBatch[] {
  const rowsPerBatch = 8;
  const out: StatsBatch[] = [];
  for (let i = 0; i < corpus.length; i += rowsPerBatch) {
    const rows = corpus.slice(i, i + rowsPerBatch);
    const batch = makeBatch(rows);
    out.push({
      batch,
      rows: [],
      tokens: rows.reduce((a, r) => a + r.length, 0),
      cursor: { window: 0, batch: 0, ordinal: 0, samplesDone: 0 },
    });
  }
  return out;
}
