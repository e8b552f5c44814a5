// Why compute_z's loss stopped being finite (issue 14): at the first evaluation δ is zero, so a
// NaN or ±Inf comes from the unedited model itself — the residual stream entering the edited layer
// (weights below it overflow float32) or the layers above and the LM head; after steps it comes
// from δ, which a huge v_lr or clamp_norm_factor lets grow until the forward pass overflows.
import type { PreparedRequest } from "../prepare/prepared-request.js";
import type { ZHparams } from "./compute-z.js";
import type { SiteVectors } from "./objective.js";

function norm(v: Float32Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

const show = (x: number) => (Number.isFinite(x) ? x.toPrecision(4) : String(x));

export interface NonFiniteLoss {
  layer: number;
  request: number;
  requests: readonly PreparedRequest[];
  step: number;
  loss: number;
  nll: number;
  kl: number;
  /** site → per request h before editing, and the current δ */
  init: SiteVectors | null;
  delta: SiteVectors;
  hparams: ZHparams;
}

export function nonFiniteLossError(f: NonFiniteLoss): Error {
  const id = f.requests[f.request].request.id;
  const where = `compute_z at layer ${f.layer}: request ${f.request}${id === undefined ? "" : ` (id ${id})`}`;
  const parts = `NLL part ${show(f.nll)}, KL part ${show(f.kl)}`;
  const sites = [...f.delta.keys()];
  const hNorm = sites.map((s) => norm(f.init?.get(s)?.[f.request] ?? new Float32Array()));
  if (f.step === 0) {
    const cause = hNorm.some((n) => !Number.isFinite(n))
      ? `the hidden state entering layer ${f.layer} is already not finite, so a weight below layer ${f.layer} overflows float32`
      : `the layers above ${f.layer} or the LM head overflow float32 on its prompts (the weights are finite, ` +
        `loading checks that: look for huge values)`;
    return new Error(
      `${where}: the loss is ${f.loss} before any step (${parts}): the unedited model's output is not finite; ${cause}`,
    );
  }
  const dNorm = sites.map((s) => `${show(norm(f.delta.get(s)![f.request]))} at ${s}`).join(", ");
  return new Error(
    `${where}: the loss became ${f.loss} after ${f.step} step${f.step === 1 ? "" : "s"}: ‖δ‖ = ${dNorm} against ` +
      `‖h‖ = ${hNorm.map(show).join(", ")} (v_lr = ${f.hparams.v_lr}, clamp_norm_factor = ${f.hparams.clamp_norm_factor}): ` +
      `δ grew until the forward pass overflowed; lower v_lr or clamp_norm_factor`,
  );
}
