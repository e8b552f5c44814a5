// Editing rows: one 10-request MEMIT batch and one MEMIT+BLUE batch on a random-weight
// GPT-2-124M-shaped model (./edit-setup.ts), beside bench/python/memit_torch.py: the reference
// algorithm as kmeng01/memit runs it (per request, the whole model at every step, logits at every
// position; statistics one layer at a time) on the same CPU and threads. Rows: total seconds per
// batch, its split (statistics, z, keys, solve), statistics throughput in tokens/s; then one
// 100-request batch of each, against the reference's 10-request time × 10 (it edits requests one
// at a time, so its cost is linear in them), and the paper's protocol (2,000 edits in batches of
// 100, MEMIT+BLUE) extrapolated from a measured 100-request batch and a second one on the edited
// model (the growth per earlier batch), against the reference's 10-request time × 200.
// Both sides start from the same token ids; each builds its own random weights (values do not
// change the cost, and no request reaches the early stop on a random model).
import { withDeltasApplied } from "../src/editing/apply-deltas.js";
import { METHODS } from "../src/editing/methods/index.js";
import type { MethodContext } from "../src/editing/methods/types.js";
import { accumulateSecondMoments, secondMoment } from "../src/stats/index.js";
import { runPythonBaseline } from "./baselines.js";
import {
  benchHparams,
  benchModel,
  benchRequests,
  LAYERS,
  STATS,
  statsBatches,
  statsCorpus,
} from "./edit-setup.js";
import { GPT2_124M } from "./model.js";
import type { BenchContext } from "./options.js";
import { makeRow, type Row } from "./report.js";
import { now } from "./timing.js";

const NAMES = {
  memit: "MEMIT 10-request batch gpt2-124M",
  blue: "MEMIT+BLUE 10-request batch gpt2-124M",
  memit100: "MEMIT 100-request batch gpt2-124M",
  blue100: "MEMIT+BLUE 100-request batch gpt2-124M",
  protocol: "protocol 2000x100 MEMIT+BLUE gpt2-124M, hours",
  stats: "statistics gpt2-124M layers 3-8",
};
const splits = (name: string) => [name, `${name}: z`, `${name}: keys`, `${name}: solve`];
export const EDIT_ROW_NAMES = [
  ...splits(NAMES.memit),
  ...splits(NAMES.blue),
  NAMES.memit100,
  NAMES.blue100,
  NAMES.protocol,
  NAMES.stats,
];
/** Edits in the paper's protocol, and per batch. */
const PROTOCOL = { edits: 2000, batch: 100 };

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
  if (!EDIT_ROW_NAMES.some((n) => ctx.selected(n))) return [];
  const model = benchModel();
  const requests = benchRequests(5, 10);
  const corpus = statsCorpus();
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
    const small = blue ? NAMES.blue : NAMES.memit;
    const large = blue ? NAMES.blue100 : NAMES.memit100;
    const wantSmall = splits(small).some((n) => ctx.selected(n));
    const wantProtocol = blue && ctx.selected(NAMES.protocol);
    const wantLarge = ctx.selected(large) || wantProtocol;
    if (!wantSmall && !wantLarge && !(!blue && ctx.selected(NAMES.stats))) continue;
    const context: MethodContext = {
      model,
      hparams: benchHparams(blue),
      covariance: (l) => covariances.get(l)!,
    };
    ctx.log(`  ${small}: PyTorch baseline`);
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
        hparams: benchHparams(blue),
        blue,
      },
      ctx.threads,
      3000,
    );
    if (baseline.ok && !blue)
      ctx.environments.push(`PyTorch (edit): ${JSON.stringify(baseline.environment)}`);
    const b = baseline.ok ? baseline.results : null;
    if (wantSmall) {
      ctx.log(`  ${small}: locedit`);
      t = now();
      const result = METHODS.memit(context, requests);
      const ours = { ...result.timings, total: now() - t + statsSeconds };
      const steps = result.z.flatMap((z) => z.steps);
      const note = b
        ? `both sides: statistics over ${tokens} tokens + compute_z (Adam steps per request: locedit ${steps.join(",")}; ` +
          `PyTorch ${b.z_steps.join(",")}) + keys + float64 solve. locedit: all requests in batched passes from the ` +
          `edited layer up, each row only from the subject's last token on (the prefix's keys/values cached), ` +
          `logits only where the loss reads, keys read bottom up from a kept residual stream, statistics for all ` +
          `layers in one pass (syrk). Weights differ (each side draws its own; locedit's LayerNorm gains are 1, ` +
          `PyTorch's N(0, 0.02²)); the work does not, since no request stops early on a random model (compare the step counts)`
        : `no PyTorch baseline: ${baseline.ok ? "" : baseline.reason}`;
      rows.push(makeRow(small, ours.total, b?.total_s ?? null, "s", "lower", note));
      rows.push(makeRow(`${small}: z`, ours.z, b?.z_s ?? null, "s", "lower"));
      rows.push(makeRow(`${small}: keys`, ours.keys, b?.keys_s ?? null, "s", "lower"));
      rows.push(makeRow(`${small}: solve`, ours.solve, b?.solve_s ?? null, "s", "lower"));
    }
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
    if (!wantLarge) continue;
    ctx.log(`  ${large}: locedit`);
    const batch = benchRequests(6, PROTOCOL.batch);
    t = now();
    const first = METHODS.memit(context, batch);
    const firstSeconds = now() - t;
    const tenfold = b ? 10 * b.total_s : null;
    const conservative = b ? b.stats_s + 10 * (b.z_s + b.keys_s) + b.solve_s : null;
    rows.push(
      makeRow(
        large,
        statsSeconds + firstSeconds,
        tenfold,
        "s (baseline: reference 10-request ×10)",
        "lower",
        `locedit: statistics (${statsSeconds.toFixed(1)} s) + one batch of ${PROTOCOL.batch} requests ` +
          `(z ${first.timings.z.toFixed(1)} s, keys ${first.timings.keys.toFixed(1)} s, solve ${first.timings.solve.toFixed(1)} s). ` +
          `Baseline: the reference's measured 10-request total × 10 (it runs compute_z request by request, so its ` +
          `cost is linear in them)` +
          (conservative
            ? `; counting its statistics and solve once instead (${conservative.toFixed(0)} s) the ratio is ` +
              `${(conservative / (statsSeconds + firstSeconds)).toFixed(2)}×`
            : ""),
      ),
    );
    if (!wantProtocol) continue;
    ctx.log(`  ${NAMES.protocol}: a second batch on the edited model`);
    const secondSeconds = withDeltasApplied(model, (apply) => {
      apply(first.updates);
      const start = now();
      METHODS.memit(context, benchRequests(7, PROTOCOL.batch));
      return now() - start;
    });
    const batches = PROTOCOL.edits / PROTOCOL.batch;
    const growth = secondSeconds - firstSeconds;
    const used = Math.max(0, growth);
    const hours = (statsSeconds + batches * firstSeconds + ((batches * (batches - 1)) / 2) * used) / 3600;
    rows.push(
      makeRow(
        NAMES.protocol,
        hours,
        b ? ((PROTOCOL.edits / requests.length) * b.total_s) / 3600 : null,
        "h (baseline: reference 10-request ×200)",
        "lower",
        `locedit: statistics once + ${batches} batches of ${PROTOCOL.batch}, batch k (0-based) taking ` +
          `t1 + k·g with t1 = ${firstSeconds.toFixed(1)} s (the measured first batch) and g = max(0, t2 − t1) = ` +
          `${used.toFixed(1)} s (t2 = ${secondSeconds.toFixed(1)} s: a second batch of new requests on the model ` +
          `carrying the first batch's edits; MEMIT+BLUE's work per batch does not depend on earlier batches, so ` +
          `g is timing noise around 0). Baseline: the reference's 10-request total × ${PROTOCOL.edits / requests.length}`,
      ),
    );
  }
  return rows.filter((r) => ctx.selected(r.name));
}
