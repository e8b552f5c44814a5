// compute_z (Meng et al., arXiv 2210.07229, Eq. 16; kmeng01/memit compute_z.py; PMET's joint
// attention + MLP variant, Li et al., arXiv 2308.08742, Eq. 6): per request, the δ that makes the
// model predict target_new, found by Adam (lr v_lr) on ZObjective; the reference's loop exactly:
// evaluate, stop when the loss < 5e-2 or at the last iteration (which only measures), else step
// and clamp ‖δ‖ ≤ clamp_norm_factor · ‖h‖. z = h + δ. All requests share one batched pass; each
// keeps its own Adam state and stops on its own. PMET's compute_zs (xpq-tech/PMET, and xpq-tech/BLUE's
// copy) adds a max-probability rule: once the target is the argmax at every target position, the
// next steps weight the NLL by 0.1·nll_loss_factor, and the request stops if its KL term is ≤ 0.01.
import type { CausalLM } from "../../models/causal-lm.js";
import type { DeltaSite } from "../../models/types.js";
import type { EditHparams } from "../hparams/types.js";
import type { PreparedRequest } from "../prepare/prepared-request.js";
import { AdamVector } from "./adam.js";
import type { LowerResidual } from "./lower.js";
import { nonFiniteLossError } from "./non-finite.js";
import { ZObjective, type SiteVectors } from "./objective.js";

export const EARLY_STOP_LOSS = 5e-2;
/** PMET's max-probability rule: NLL weight once the target is top-1, and the KL term that then stops */
export const TOP1_NLL_SCALE = 0.1;
export const TOP1_KL_STOP = 1e-2;

export type ZHparams = Pick<
  EditHparams,
  "v_num_grad_steps" | "v_lr" | "v_weight_decay" | "clamp_norm_factor" | "kl_factor"
> & { nll_loss_factor?: number };

export interface ZProgress {
  step: number;
  total: number;
  active: number;
  meanLoss: number;
}

export interface ComputeZOptions {
  layer: number;
  /** where δ is added: ["block"] (MEMIT, AlphaEdit), ["mlp"] (ROME), ["attn", "mlp"] (PMET) */
  sites: readonly DeltaSite[];
  hparams: ZHparams;
  /** PMET's max-probability rule (see the header) */
  maxProbabilityRule?: boolean;
  onStep?: (progress: ZProgress) => void;
  /** ZObjective's prefix cache and pass size (defaults: cached, CHUNK_TOKENS); the result does not depend on them */
  prefixCache?: boolean;
  passTokens?: number;
  /** start below the steps from this residual stream of the same requests' rows (an earlier result's `lower`) */
  lower?: LowerResidual | null;
  /** keep the residual stream entering this layer in the result's `lower` */
  keepLowerAt?: number;
}

export interface ZResult {
  /** site → per request z = h + δ (d_model) */
  z: SiteVectors;
  /** site → per request h before editing */
  init: SiteVectors;
  /** site → per request δ */
  delta: SiteVectors;
  /** loss at the first evaluation and at the last (the final δ) */
  lossBefore: number[];
  lossAfter: number[];
  nllBefore: number[];
  nllAfter: number[];
  /** Adam steps taken per request */
  steps: number[];
  /** the residual stream entering options.keepLowerAt (null when not asked) */
  lower: LowerResidual | null;
}

function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

function checkHparams(h: ZHparams): void {
  if (!(Number.isInteger(h.v_num_grad_steps) && h.v_num_grad_steps >= 1))
    throw new Error(`v_num_grad_steps must be an integer ≥ 1, got ${h.v_num_grad_steps}`);
  for (const field of ["v_lr", "clamp_norm_factor"] as const)
    if (!(h[field] > 0)) throw new Error(`${field} must be a positive number, got ${h[field]}`);
}

export function computeZ(
  model: CausalLM,
  requests: readonly PreparedRequest[],
  options: ComputeZOptions,
): ZResult {
  const h = options.hparams;
  checkHparams(h);
  const C = model.config.hiddenSize;
  const n = requests.length;
  const objective = new ZObjective(model, requests, {
    layer: options.layer,
    sites: options.sites,
    klFactor: h.kl_factor,
    weightDecay: h.v_weight_decay,
    nllFactor: h.nll_loss_factor ?? 1,
    ...(options.prefixCache === undefined ? {} : { prefixCache: options.prefixCache }),
    ...(options.passTokens === undefined ? {} : { passTokens: options.passTokens }),
    ...(options.lower ? { lower: options.lower } : {}),
    ...(options.keepLowerAt === undefined ? {} : { keepLowerAt: options.keepLowerAt }),
  });
  const delta: SiteVectors = new Map(options.sites.map((s) => [s, requests.map(() => new Float32Array(C))]));
  const adam = new Map(options.sites.map((s) => [s, requests.map(() => new AdamVector(C, h.v_lr))]));
  const result = {
    lossBefore: new Array<number>(n).fill(NaN),
    lossAfter: new Array<number>(n).fill(NaN),
    nllBefore: new Array<number>(n).fill(NaN),
    nllAfter: new Array<number>(n).fill(NaN),
    steps: new Array<number>(n).fill(0),
  };
  let active = requests.map((_, i) => i);
  const nllScale = new Array<number>(n).fill(1);
  for (let it = 0; it < h.v_num_grad_steps && active.length > 0; it++) {
    const value = objective.evaluate(active, delta, nllScale);
    for (const r of active) {
      if (!Number.isFinite(value.loss[r]))
        throw nonFiniteLossError({
          layer: options.layer,
          request: r,
          requests,
          step: result.steps[r],
          loss: value.loss[r],
          nll: value.nll[r],
          kl: value.kl[r],
          init: objective.init,
          delta,
          hparams: h,
        });
      if (it === 0) {
        result.lossBefore[r] = value.loss[r];
        result.nllBefore[r] = value.nll[r];
      }
      result.lossAfter[r] = value.loss[r];
      result.nllAfter[r] = value.nll[r];
    }
    const meanLoss = active.reduce((a, r) => a + value.loss[r], 0) / active.length;
    options.onStep?.({ step: it + 1, total: h.v_num_grad_steps, active: active.length, meanLoss });
    if (it === h.v_num_grad_steps - 1) break;
    active = active.filter((r) => value.loss[r] >= EARLY_STOP_LOSS);
    if (options.maxProbabilityRule) {
      for (const r of active) nllScale[r] = value.targetTop[r] ? TOP1_NLL_SCALE : 1;
      active = active.filter((r) => !(value.targetTop[r] && value.kl[r] <= TOP1_KL_STOP));
    }
    for (const r of active) {
      for (const site of options.sites) {
        const d = delta.get(site)![r];
        adam.get(site)![r].step(d, value.grad.get(site)![r]);
        const maxNorm = h.clamp_norm_factor * norm(objective.init!.get(site)![r]);
        const dn = norm(d);
        if (dn > maxNorm) for (let c = 0; c < C; c++) d[c] *= maxNorm / dn;
      }
      result.steps[r]++;
    }
  }
  const init = objective.init!;
  const z: SiteVectors = new Map(
    options.sites.map((s) => [
      s,
      requests.map((_, r) => {
        const out = new Float32Array(C);
        for (let c = 0; c < C; c++) out[c] = init.get(s)![r][c] + delta.get(s)![r][c];
        return out;
      }),
    ]),
  );
  return { z, init, delta, ...result, lower: objective.lower };
}
