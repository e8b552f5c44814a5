// Oversized updates: a batch whose ΔW at some layer is many times the weight it changes. In MEMIT's
// solve ΔW = R Kᵀ (λC0 + K Kᵀ)⁻¹ (Meng et al., arXiv 2210.07229, Eq. 14; PMET and BLUE share it)
// such an update comes from key directions the statistics C0 barely cover (near-zero eigenvalues:
// dead or rarely active MLP units): the edit still lands, but every later batch builds on a weight
// far from the trained one, and a sequence of such batches breaks the model (facts-8l's MEMIT run,
// results/facts-8l/README.md, went from ‖W − W₀‖ ≈ 10⁵ to 10¹⁶ in 20 batches). AlphaEdit's solve is
// regularised by L2 · I instead, so its remedy is a larger L2.
import type { EditMethod } from "../hparams/types.js";
import type { LayerDeltaRecord } from "./edit-log.js";

/** ‖ΔW‖ / ‖W‖ above which a batch's update is called oversized */
export const OVERSIZED_UPDATE_RATIO = 10;

function regulariser(method: EditMethod): string {
  if (method === "alphaedit") return "raise L2";
  if (method === "rome") return "raise mom2_update_weight or pick another layer";
  return "raise mom2_update_weight (λ)";
}

/** The layers whose ΔW is over OVERSIZED_UPDATE_RATIO × ‖W‖ before the batch. */
export function oversizedUpdates(deltas: readonly LayerDeltaRecord[]): LayerDeltaRecord[] {
  return deltas.filter((d) => d.weight_norm > 0 && d.delta_norm > OVERSIZED_UPDATE_RATIO * d.weight_norm);
}

/** What an oversized update at one layer is, and what to do about it. */
export function describeOversizedUpdate(method: EditMethod, d: LayerDeltaRecord): string {
  return (
    `layer ${d.layer} (${d.weight}): ‖ΔW‖ = ${d.delta_norm.toPrecision(3)} is ` +
    `${Math.round(d.delta_norm / d.weight_norm).toLocaleString("en-US")}× ‖W‖ = ${d.weight_norm.toPrecision(3)}; ` +
    `the update lies in key directions the statistics barely cover (a near-singular C0), and a ` +
    `sequence of such batches can break the model: ${regulariser(method)}, gather statistics over ` +
    `more text, or choose another critical window (locedit trace)`
  );
}

/** One warning per layer with an oversized update; [] when none. */
export function oversizedUpdateWarnings(method: EditMethod, deltas: readonly LayerDeltaRecord[]): string[] {
  return oversizedUpdates(deltas).map((d) => describeOversizedUpdate(method, d));
}
