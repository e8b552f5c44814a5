// RECT (Gu et al., "Model Editing Harms General Abilities of Large Language Models: Regularization
// to the Rescue", EMNLP 2024; as xpq-tech/BLUE memit/memit_rect_main.py applies it): of each
// layer's update ΔW only the entries with the largest relative change r_ij = |ΔW_ij| / |W_ij + ε|
// are kept — the top 40 % — and the others set to zero before the update is added to W. The
// threshold is the k-th smallest r with k = ⌊numel·(100 − 40)/100⌋ (torch.kthvalue, 1-based), and
// entries with r ≥ threshold are kept (numel − k + 1 of them: one more than 40 % when no ratios
// tie, as in the reference). The method's own layer loop still sees the full updates;
// only what is added to the model is rectified.
import { wrap, type Tensor32 } from "../../../tensor/index.js";

/** RECT's share of entries kept, in percent. */
export const RECT_KEEP_PERCENT = 40;
/** ε in |W + ε|, as the reference. */
export const RECT_EPSILON = 1e-8;

/** ΔW with all but its top `keepPercent` % entries by |ΔW| / |W + ε| set to zero. */
export function rectifyDelta(delta: Tensor32, weight: Tensor32, keepPercent = RECT_KEEP_PERCENT): Tensor32 {
  const count = delta.data.length;
  if (weight.data.length !== count)
    throw new Error(`rect: ΔW has ${count} entries, W has ${weight.data.length}`);
  if (!(keepPercent > 0 && keepPercent <= 100))
    throw new Error(`rect: the kept share must be in (0, 100] percent, got ${keepPercent}`);
  const ratio = new Float64Array(count);
  for (let i = 0; i < count; i++) ratio[i] = Math.abs(delta.data[i] / (weight.data[i] + RECT_EPSILON));
  const k = Math.max(1, Math.floor((count * (100 - keepPercent)) / 100)); // 1-based rank
  const threshold = ratio.slice().sort()[k - 1]; // Float64Array sorts numerically
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) if (ratio[i] >= threshold) out[i] = delta.data[i];
  return wrap(out, delta.shape);
}
