// The compute_z objective (Meng et al., arXiv 2210.07229, Eq. 16; kmeng01/memit compute_z.py) for a
// batch of requests, each with its own δ per site, with its exact gradient:
//   L(δ) = f · mean_p [ −Σ_j log P(t_j | p, t_<j ; h^L + δ) / |t| ]          (rewriting prompts p)
//        + kl_factor · KL(P_δ(·|"{s} is a") ‖ P_0(·|"{s} is a"))             (at the subject token)
//        + v_weight_decay · ‖δ‖ / ‖h‖²                                       (reference's form)
// δ is added at layer L's site ("block": the block output, MEMIT; "mlp": the MLP output, ROME;
// "attn" + "mlp": PMET) at the lookup token of every row of its request. Exact savings over the
// reference: the residual stream entering layer L is computed once (it does not depend on δ), only
// layers ≥ L run per step, and only from each row's lookup token on: the positions before it are a
// prefix whose keys and values are cached once (./split-rows.ts); logits only where the loss reads;
// all requests' rows in batched passes of at most CHUNK_TOKENS slots, grouped by length (little padding).
import type { CausalLM } from "../../models/causal-lm.js";
import { editSurface } from "../../models/edit-surface.js";
import type { Batch, DeltaHook, DeltaSite } from "../../models/types.js";
import type { PrefixCache } from "../../models/prefix-cache.js";
import { makeBatch } from "../../runtime/batch.js";
import { crossEntropy, logSoftmax } from "../../runtime/loss.js";
import { mlpOutputOf } from "../compute-ks.js";
import type { PreparedRequest } from "../prepare/prepared-request.js";
import { buildZRows, targetPositions, type LossPosition, type ZRows } from "./rows.js";
import { residualBelow, type LowerResidual } from "./lower.js";
import { SplitRows } from "./split-rows.js";

/** Most slots (rows × width) one pass runs: bounds the activations kept for the backward (≈ 1 GB at GPT-2-124M over 8 layers). */
export const CHUNK_TOKENS = 2048;

export interface ZObjectiveSettings {
  layer: number;
  sites: readonly DeltaSite[];
  klFactor: number;
  weightDecay: number;
  /** PMET's nll_loss_factor (1 elsewhere) */
  nllFactor: number;
  /** run each step from each row's lookup token on over a cached prefix (default true); false: whole rows */
  prefixCache?: boolean;
  /** most slots (rows × width) per batched pass (default CHUNK_TOKENS) */
  passTokens?: number;
  /** the rows' residual stream entering a layer ≤ the first layer the steps run, on the model as it is now */
  lower?: LowerResidual;
  /** keep the rows' residual stream entering this layer (≤ the first layer the steps run) as `lower` */
  keepLowerAt?: number;
}

/** site → one δ (d_model) per request */
export type SiteVectors = Map<DeltaSite, Float32Array[]>;

export interface ObjectiveValue {
  /** per request (NaN for inactive ones): total, NLL part (before `nllScale`), KL part */
  loss: number[];
  nll: number[];
  kl: number[];
  /** per request: its target is the argmax at every target position of every rewrite prompt (PMET's max_prob == prob) */
  targetTop: boolean[];
  /** gradient of each active request's loss with respect to its δ at each site */
  grad: SiteVectors;
}

function norm(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

export class ZObjective {
  readonly rows: ZRows;
  private readonly C: number;
  private readonly V: number;
  /**
   * The cached residual stream (rows × T_all × C): entering layer L, or, when δ sits at the block
   * output below the last layer, leaving it (then the steps start one layer higher: layer L's own
   * computation does not depend on δ either). Null when L = 0 and the block is not skipped.
   */
  private readonly inputL: Float32Array | null;
  /** δ is added to the cached output of layer L and the steps run layers L+1 … */
  private readonly after: boolean;
  /** the first layer each step runs: L, or L + 1 when `after` */
  private readonly startLayer: number;
  /** width of the full right-padded batch (inputL is rows × T × C) */
  private readonly T: number;
  private readonly split: SplitRows;
  /** keys and values of every row's prefix at each layer from startLayer up */
  private readonly prefix: PrefixCache | null;
  /** the residual stream kept for a later compute_z on the same rows (settings.keepLowerAt) */
  readonly lower: LowerResidual | null;
  /** the prefix cut to each pass's rows, kept while the active set does not change */
  private passPrefixes = new Map<string, PrefixCache>();
  /** per request, log P_0 at its KL prompt (set by its first evaluation, δ = 0) */
  private readonly klInit: (Float64Array | null)[];
  /** per request, whether `init` holds its h yet */
  private readonly hasInit: boolean[];
  /** site → per request h at the first rewrite prompt's lookup before editing (complete after the first evaluation of all) */
  init: SiteVectors | null = null;

  constructor(
    private readonly model: CausalLM,
    readonly requests: readonly PreparedRequest[],
    readonly settings: ZObjectiveSettings,
  ) {
    this.C = model.config.hiddenSize;
    this.V = model.config.vocabSize;
    this.rows = buildZRows(requests);
    this.klInit = requests.map(() => null);
    this.hasInit = requests.map(() => false);
    const batch = makeBatch(this.rows.sequences, { padSide: "right" });
    this.T = batch.T;
    const { layer, sites } = settings;
    this.after = sites.length === 1 && sites[0] === "block" && layer < model.numLayers - 1;
    this.startLayer = this.after ? layer + 1 : layer;
    const below = residualBelow(
      model,
      batch,
      this.startLayer,
      settings.lower ?? null,
      settings.keepLowerAt ?? null,
    );
    this.inputL = below.input;
    this.lower = below.kept;
    const cached = settings.prefixCache ?? true;
    this.split = new SplitRows(
      this.rows,
      this.rows.lookups.map((lookup) => (cached ? lookup : 0)),
    );
    const start = this.inputL ? { layer: this.startLayer, hidden: this.inputL } : null;
    this.prefix = this.split.cachePrefix(model, batch, start);
    if (this.after) {
      const C = this.C;
      const init = requests.map((_, r) => {
        const id = this.rows.requestRows[r].rewrite[0];
        const n = id * this.T + this.rows.lookups[id];
        return this.inputL!.slice(n * C, n * C + C);
      });
      this.init = new Map([["block", init]]);
      this.hasInit.fill(true);
    }
  }

  /**
   * Loss and gradient for the requests in `active` (indices), δ per site and request; `nllScale`
   * multiplies each request's NLL weight (PMET's max-probability rule; 1 by default).
   */
  evaluate(active: readonly number[], deltas: SiteVectors, nllScale?: readonly number[]): ObjectiveValue {
    const n = this.requests.length;
    const value: ObjectiveValue = {
      loss: new Array<number>(n).fill(NaN),
      nll: new Array<number>(n).fill(NaN),
      kl: new Array<number>(n).fill(NaN),
      targetTop: new Array<boolean>(n).fill(false),
      grad: new Map(this.settings.sites.map((s) => [s, this.requests.map(() => new Float32Array(this.C))])),
    };
    for (const r of active) {
      value.nll[r] = 0;
      value.targetTop[r] = true;
    }
    const rowIds = active.flatMap((r) => [...this.rows.requestRows[r].rewrite, this.rows.requestRows[r].kl]);
    const prefixes = new Map<string, PrefixCache>();
    for (const pass of this.split.passes(rowIds, this.settings.passTokens ?? CHUNK_TOKENS))
      this.evaluatePass(pass, deltas, prefixes, value, nllScale);
    this.passPrefixes = prefixes;
    for (const r of active) {
      let wd = 0;
      for (const site of this.settings.sites) {
        const h = this.init!.get(site)![r];
        const d = deltas.get(site)![r];
        wd += (this.settings.weightDecay * norm(d)) / norm(h) ** 2;
        addWeightDecayGradient(value.grad.get(site)![r], d, h, this.settings.weightDecay);
      }
      value.loss[r] = (nllScale?.[r] ?? 1) * value.nll[r] + value.kl[r] + wd;
    }
    return value;
  }

  /** The prefix cache cut to these rows (reused from the last evaluation when the rows are the same). */
  private prefixOf(rowIds: readonly number[], kept: Map<string, PrefixCache>): PrefixCache | null {
    if (!this.prefix) return null;
    if (rowIds.length === this.rows.sequences.length && rowIds.every((id, i) => id === i)) return this.prefix;
    const key = rowIds.join(",");
    const cut = this.passPrefixes.get(key) ?? this.prefix.rows(rowIds);
    kept.set(key, cut);
    return cut;
  }

  /** One batched pass over some rows: adds their NLL and KL terms and δ-gradients into `acc`. */
  private evaluatePass(
    rowIds: readonly number[],
    deltas: SiteVectors,
    kept: Map<string, PrefixCache>,
    acc: ObjectiveValue,
    nllScale?: readonly number[],
  ): void {
    const { layer, sites } = this.settings;
    const { owner } = this.rows;
    const C = this.C;
    const batch = this.split.suffixBatch(rowIds);
    const at = (row: number, id: number) => row * batch.T + this.split.lookupInSuffix(id);
    const start = this.inputL
      ? { layer: this.startLayer, hidden: this.split.suffixInput(this.inputL, this.T, C, rowIds, batch) }
      : undefined;
    const prefix = this.prefixOf(rowIds, kept);
    const hooks: DeltaHook[] = [];
    rowIds.forEach((id, row) => {
      if (this.after) {
        const delta = deltas.get("block")![owner[id]];
        for (let c = 0; c < C; c++) start!.hidden[at(row, id) * C + c] += delta[c];
      } else
        for (const site of sites)
          hooks.push({
            layer,
            site,
            row,
            position: this.split.lookupInSuffix(id),
            vector: deltas.get(site)![owner[id]],
          });
    });
    const { positions, klAt } = this.lossPositions(rowIds, nllScale);
    const trace = this.model.forward(batch, {
      ...(start ? { start } : {}),
      ...(prefix ? { prefix } : {}),
      deltas: hooks,
      logits: [...positions, ...klAt.map((k) => k.at)],
      keepActivations: { fromLayer: this.startLayer },
    });
    this.captureInit(rowIds, batch, trace.layers[layer]!, start?.hidden ?? trace.input);
    const dlogits = this.losses(positions, klAt, trace.logits, acc, nllScale);
    const through = this.after || sites.some((s) => s !== "block");
    const back = this.model.backward(trace, dlogits, { downTo: this.startLayer, through });
    for (const site of sites) {
      const g = this.after
        ? back.block!.dx
        : site === "block"
          ? back.dOut
          : site === "mlp"
            ? back.block!.dMlpOut
            : back.block!.dAttnOut;
      rowIds.forEach((id, row) => {
        const n = at(row, id) * C;
        const dst = acc.grad.get(site)![owner[id]];
        for (let c = 0; c < C; c++) dst[c] += g[n + c];
      });
    }
  }

  /** Where the pass's logits are read: each rewrite row's target positions (weighted), each KL row's lookup. */
  private lossPositions(rowIds: readonly number[], nllScale?: readonly number[]) {
    const positions: (LossPosition & { request: number; weight: number })[] = [];
    const klAt: { request: number; at: { row: number; position: number } }[] = [];
    rowIds.forEach((id, row) => {
      const r = this.rows.owner[id];
      const req = this.requests[r];
      const p = this.rows.prompt[id];
      if (p < 0) {
        klAt.push({ request: r, at: { row, position: this.split.lookupInSuffix(id) } });
        return;
      }
      const weight =
        (this.settings.nllFactor * (nllScale?.[r] ?? 1)) / (req.targetIds.length * req.rewrite.length);
      for (const pos of targetPositions(req, p, row))
        positions.push({ ...pos, position: pos.position - this.split.split[id], request: r, weight });
    });
    return { positions, klAt };
  }

  /** Adds the pass's NLL terms (and clears targetTop where a target is not the argmax) and sets its requests' KL terms in `acc`; returns ∂loss/∂logits. */
  private losses(
    positions: readonly (LossPosition & { request: number; weight: number })[],
    klAt: readonly { request: number }[],
    logits: Float32Array,
    acc: ObjectiveValue,
    nllScale?: readonly number[],
  ): Float32Array {
    const V = this.V;
    const M = positions.length;
    const dlogits = new Float32Array(logits.length);
    if (M > 0) {
      const ce = crossEntropy(
        logits.subarray(0, M * V),
        V,
        positions.map((p) => p.target),
        positions.map((p) => p.weight),
      );
      // the weights carry the rule's scale (for the gradient); the reported NLL does not
      positions.forEach(
        (p, m) => (acc.nll[p.request] -= (p.weight / (nllScale?.[p.request] ?? 1)) * ce.logprobs[m]),
      );
      positions.forEach((p, m) => {
        const row = logits.subarray(m * V, (m + 1) * V);
        if (row.some((x) => x > row[p.target])) acc.targetTop[p.request] = false;
      });
      dlogits.set(ce.dlogits);
    }
    klAt.forEach(({ request }, i) => {
      const offset = (M + i) * V;
      const logp = logSoftmax(logits, offset, V);
      const logq0 = (this.klInit[request] ??= logp);
      const p = new Float64Array(V);
      let value = 0;
      for (let v = 0; v < V; v++) {
        p[v] = Math.exp(logp[v]);
        value += p[v] * (logp[v] - logq0[v]);
      }
      acc.kl[request] = this.settings.klFactor * value;
      // ∂KL/∂z_v = p_v · (log p_v − log p0_v − KL)
      for (let v = 0; v < V; v++)
        dlogits[offset + v] = this.settings.klFactor * p[v] * (logp[v] - logq0[v] - value);
    });
    return dlogits;
  }

  /** h before editing at each request's first rewrite prompt (when this pass holds it and it is not yet known): block output, MLP output (W k + b), attention output. */
  private captureInit(
    rowIds: readonly number[],
    batch: Batch,
    block: { out: Float32Array; key: Float32Array },
    input: Float32Array,
  ): void {
    const C = this.C;
    const F = editSurface(this.model, this.settings.layer).keyDim;
    rowIds.forEach((id, row) => {
      const r = this.rows.owner[id];
      if (this.hasInit[r] || this.rows.prompt[id] !== 0) return;
      this.hasInit[r] = true;
      const init = (this.init ??= new Map(
        this.settings.sites.map((s) => [s, this.requests.map(() => new Float32Array(C))]),
      ));
      const n = row * batch.T + this.split.lookupInSuffix(id);
      const out = block.out.subarray(n * C, n * C + C);
      const mlp = mlpOutputOf(this.model, this.settings.layer, block.key.subarray(n * F, n * F + F));
      for (const site of this.settings.sites) {
        const dst = init.get(site)![r];
        if (site === "block") dst.set(out);
        else if (site === "mlp") dst.set(mlp);
        // out = x + attn + mlp for sequential and parallel blocks alike, so attn = out − x − mlp
        else for (let c = 0; c < C; c++) dst[c] = out[c] - input[n * C + c] - mlp[c];
      }
    });
  }
}

/** Adds ∇ of weightDecay · ‖δ‖ / ‖h‖² to grad: zero at δ = 0, as PyTorch's norm backward gives. */
function addWeightDecayGradient(
  grad: Float32Array,
  delta: Float32Array,
  h: Float32Array,
  weightDecay: number,
): void {
  const d = norm(delta);
  if (d === 0) return;
  const scale = weightDecay / (d * norm(h) ** 2);
  for (let c = 0; c < grad.length; c++) grad[c] += scale * delta[c];
}
