// (a) The contribution score per critical layer (BLUE, Li et al., arXiv 2502.03748, §3.1, Fig. 2
// "avg-contri-score"; xpq-tech/BLUE analysis.ipynb): the mean p(target_new) over the context
// templates when a δ is added to block l's output at the subject's last token — δ^L·share (the
// residual the published methods hand to layer l) or δ^l (what compute_z finds at l itself) —
// beside no δ at all. At l = L the two coincide: share is 1 and δ^l is δ^L.
// (b) How the δ each layer asks for compares with the distributed one: cos(δ^L·share, δ^l),
// ‖δ^l − δ^L‖ and ‖δ^l − δ^L·share‖ per layer, mean ± std over records (the paper's Fig. 3).
import type { DiagnosticsContext } from "./context.js";
import { shares, type LayerZ } from "./layer-deltas.js";
import { cosine, differenceNorm, frobenius, layerStats, scalarStats } from "./summary.js";
import { TemplateScorer } from "./target-probability.js";
import type { ContributionReport, DeltaAlignmentReport } from "./types.js";

function scaled(vectors: readonly Float32Array[], factor: number): Float32Array[] {
  return vectors.map((v) => (factor === 1 ? v : v.map((x) => x * factor)));
}

export function contributionScores(d: DiagnosticsContext, zs: Map<number, LayerZ>): ContributionReport {
  const site = d.family.residualSite;
  const scorer = new TemplateScorer(d.model, d.requests, d.layers);
  const share = shares(d);
  const deltaL = zs.get(d.last)!.delta;
  const none = scorer.probabilities(null);
  const distributed: Float64Array[] = [];
  const computed: Float64Array[] = [];
  d.layers.forEach((layer, i) => {
    d.onProgress?.({ stage: "contribution scores", layer, done: i + 1, total: d.layers.length });
    distributed.push(scorer.probabilities({ layer, site, vectors: scaled(deltaL, share[i]) }));
    computed.push(scorer.probabilities({ layer, site, vectors: zs.get(layer)!.delta }));
  });
  const gain = (ps: Float64Array[]) => ps.map((p) => p.map((x, r) => x - none[r]));
  return {
    layers: [...d.layers],
    share,
    none: scalarStats(none),
    distributed: layerStats(distributed),
    computed: layerStats(computed),
    distributed_gain: layerStats(gain(distributed)),
    computed_gain: layerStats(gain(computed)),
  };
}

export function deltaAlignment(d: DiagnosticsContext, zs: Map<number, LayerZ>): DeltaAlignmentReport {
  const share = shares(d);
  const deltaL = zs.get(d.last)!.delta;
  const per = (f: (own: Float32Array, last: Float32Array, i: number) => number) =>
    d.layers.map((layer, i) => zs.get(layer)!.delta.map((own, r) => f(own, deltaL[r], i)));
  return {
    layers: [...d.layers],
    cos: layerStats(per((own, last) => cosine(last, own))),
    distance: layerStats(per((own, last) => differenceNorm(own, last))),
    distributed_distance: layerStats(per((own, last, i) => differenceNorm(own, scaled([last], share[i])[0]))),
    norm: layerStats(per((own) => frobenius(own))),
  };
}
