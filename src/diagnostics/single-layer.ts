// (c) Single-layer editing with the computed vs the distributed residual (BLUE, Li et al., arXiv
// 2502.03748, §3.1, Fig. 4): update only critical layer l, once from its own residual
// R^l = Z^l − H^l (z computed at l, H at l: BLUE's step) and once from the residual the published
// methods give it, (Z^L − H^L)·share; then score CounterFact efficacy and generalisation of the
// edited records. At l = L both residuals are the same, and so are the updates and the scores.
import { withDeltasApplied } from "../editing/apply-deltas.js";
import { layerUpdate } from "../editing/methods/layer-family.js";
import { evaluateCounterfact } from "../eval/counterfact/evaluate.js";
import { freshState, methodContext, type DiagnosticsContext } from "./context.js";
import { shares, type LayerZ } from "./layer-deltas.js";
import { frobenius } from "./summary.js";
import type { SingleLayerReport, SingleLayerScores } from "./types.js";

function score(d: DiagnosticsContext) {
  const { summary } = evaluateCounterfact(d.model, d.tokenizer, d.records, {
    include: { paraphrase: true, neighborhood: false },
  });
  return { efficacy: summary.efficacy, generalization: summary.generalization };
}

export function singleLayerEditing(d: DiagnosticsContext, zs: Map<number, LayerZ>): SingleLayerReport {
  const share = shares(d);
  const context = methodContext(d, d.hparams, freshState(d, d.hparams));
  const timings = { z: 0, keys: 0, solve: 0 };
  const empty = (): SingleLayerScores => ({ efficacy: [], generalization: [], update_norm: [] });
  const computed = empty();
  const distributed = empty();
  d.layers.forEach((layer, i) => {
    d.onProgress?.({ stage: "single-layer editing", layer, done: i + 1, total: d.layers.length });
    const steps = [
      { into: computed, step: { layer, hiddenLayer: layer, z: zs.get(layer)!.z, share: 1 } },
      { into: distributed, step: { layer, hiddenLayer: d.last, z: zs.get(d.last)!.z, share: share[i] } },
    ];
    for (const { into, step } of steps) {
      const update = layerUpdate(d.family, context, d.requests, step, timings);
      const scores = withDeltasApplied(d.model, (apply) => {
        apply([update]);
        return score(d);
      });
      into.efficacy.push(scores.efficacy);
      into.generalization.push(scores.generalization);
      into.update_norm.push(frobenius(update.delta));
    }
  });
  return { layers: [...d.layers], unedited: score(d), computed, distributed };
}
