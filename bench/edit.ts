// Editing rows: one 10-request MEMIT batch and one MEMIT+BLUE batch on a random-weight
// GPT-2-124M-shaped model (critical layers 3–8, BLUE 3 and 8; 20 compute_z steps; 1 plain + 5
// context-template prompts per request), beside bench/python/memit_torch.py: the reference
// algorithm as kmeng01/memit runs it (per request, the whole model at every step, logits at every
// position; statistics one layer at a time) on the same CPU and threads. Rows: total seconds per
// batch, its split (statistics, z, keys, solve), and statistics throughput in tokens/s.
// Both sides start from the same token ids; each builds its own random weights (values do not
// change the cost, and no request reaches the early stop on a random model).
import { accumulateSecondMoments, secondMoment } from "../src/stats/index.js";
import type { StatsBatch } from "../src/stats/batches.js";
import { METHODS } from "../src/editing/methods/index.js";
import type { EditHparams } from "../src/editing/hparams/types.js";
import type { PreparedRequest } from "../src/editing/prepare/prepared-request.js";
import { makeBatch } from "../src/runtime/batch.js";
import { createRng } from "../src/util/random.js";
import { runPythonBaseline } from "./baselines.js";
import { GPT2_124M, randomModel } from "./model.js";
import type { BenchContext } from "./options.js";
import { makeRow, type Row } from "./report.js";
import { now } from "./timing.js";

const LAYERS = [3, 4, 5, 6, 7, 8];
const REQUESTS = 10;
const STATS = { sequences: 64, length: 128 };

const NAMES = {
  memit: "MEMIT 10-request batch gpt2-124M",
  blue: "MEMIT+BLUE 10-request batch gpt2-124M",
  stats: "statistics gpt2-124M layers 3-8",
};
export const EDIT_ROW_NAMES = [
  ...[NAMES.memit, NAMES.blue].flatMap((n) => [n, `${n}: z`, `${n}: keys`, `${n}: solve`]),
  NAMES.stats,
];

function hparams(blue: boolean): EditHparams {
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

/** Requests like CounterFact's: a 10–14-token prompt with a 2–3-token subject, 5 ten-token template prefixes, 1–2 target tokens. */
function benchRequests(seed: number): PreparedRequest[] {
  const rng = createRng(seed);
  const V = GPT2_124M.vocabSize;
  const ids = (n: number) => Array.from({ length: n }, () => rng.int(V));
  return Array.from({ length: REQUESTS }, (_, i) => {
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

function statsBatches(corpus: number[][]): StatsBatch[] {
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

interface TorchAnswer {
  stats_s: number;
  stats_tokens: number;
  stats_tokens_per_s: number;
  z_s: number;
  keys_s: number;
  solve_s: number;
  total_s: number;
  z_steps: number[];
}

export function editRows(ctx: BenchContext): Row[] {
  const wanted = EDIT_ROW_NAMES.filter((n) => ctx.selected(n));
  if (wanted.length === 0) return [];
  const model = randomModel(GPT2_124M);
  // LayerNorms as a trained GPT-2 has them (weight ≈ 1, bias ≈ 0), not N(0, 0.02²): with tiny gains
  // every pre-activation sits in GELU's linear part and the keys span only a d_model-wide subspace.
  for (const name of model.params.keys()) if (/ln_[12f]\.weight$/.test(name)) model.param(name).fill(1);
  for (const name of model.params.keys()) if (/ln_[12f]\.bias$/.test(name)) model.param(name).fill(0);
  const requests = benchRequests(5);
  const rng = createRng(8);
  const corpus = Array.from({ length: STATS.sequences }, () =>
    Array.from({ length: STATS.length }, () => rng.int(GPT2_124M.vocabSize)),
  );
  const tokens = STATS.sequences * STATS.length;
  ctx.log(`  ${NAMES.stats}: locedit`);
  let t = now();
  const moments = accumulateSecondMoments(model, statsBatches(corpus), LAYERS);
  const statsSeconds = now() - t;
  const covariances = new Map(
    [...moments].map(([l, m]) => [
      l,
      secondMoment({
        layer: l,
        dim: m.dim,
        count: m.count,
        sum: m.sum,
        key: { model: "", layer: l, corpus: "", samples: 0, maxLen: 0, dtype: "float32" },
      }),
    ]),
  );
  const rows: Row[] = [];
  for (const blue of [false, true]) {
    const name = blue ? NAMES.blue : NAMES.memit;
    if (![name, `${name}: z`, `${name}: keys`, `${name}: solve`].some((n) => ctx.selected(n))) continue;
    ctx.log(`  ${name}: locedit`);
    t = now();
    const result = METHODS.memit(
      { model, hparams: hparams(blue), covariance: (l) => covariances.get(l)! },
      requests,
    );
    const ours = { ...result.timings, total: now() - t + statsSeconds };
    ctx.log(`  ${name}: PyTorch baseline`);
    const baseline = runPythonBaseline<TorchAnswer>(
      "memit_torch.py",
      {
        config: GPT2_124M,
        threads: ctx.threads,
        seed: 0,
        corpus,
        requests: requests.map((r) => ({
          target: r.targetIds,
          rewrite: r.rewrite,
          groups: r.groups,
          kl: r.kl,
        })),
        hparams: hparams(blue),
        blue,
      },
      ctx.threads,
      3000,
    );
    if (baseline.ok && !blue)
      ctx.environments.push(`PyTorch (edit): ${JSON.stringify(baseline.environment)}`);
    const b = baseline.ok ? baseline.results : null;
    const steps = result.z.flatMap((z) => z.steps);
    const note = b
      ? `both sides: statistics over ${tokens} tokens + compute_z (Adam steps per request: locedit ${steps.join(",")}; ` +
        `PyTorch ${b.z_steps.join(",")}) + keys + float64 solve. locedit: all requests in one batched pass from the ` +
        `edited layer up, logits only where the loss reads, statistics for all layers in one pass (syrk). ` +
        `Weights differ (each side draws its own; locedit's LayerNorm gains are 1, PyTorch's N(0, 0.02²)); ` +
        `the work does not, since no request stops early on a random model (compare the step counts)`
      : `no PyTorch baseline: ${baseline.ok ? "" : baseline.reason}`;
    rows.push(makeRow(name, ours.total, b?.total_s ?? null, "s", "lower", note));
    rows.push(makeRow(`${name}: z`, ours.z, b?.z_s ?? null, "s", "lower"));
    rows.push(makeRow(`${name}: keys`, ours.keys, b?.keys_s ?? null, "s", "lower"));
    rows.push(makeRow(`${name}: solve`, ours.solve, b?.solve_s ?? null, "s", "lower"));
    if (!blue && ctx.selected(NAMES.stats))
      rows.push(
        makeRow(
          NAMES.stats,
          tokens / statsSeconds,
          b?.stats_tokens_per_s ?? null,
          "tokens/s",
          "higher",
          "corpus tokens per second of wall time for C0 of all six layers (the reference runs one pass per layer)",
        ),
      );
  }
  return rows.filter((r) => ctx.selected(r.name));
}
