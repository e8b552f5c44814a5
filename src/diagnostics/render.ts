// diagnose.html: every analysis of diagnose.json as a chart on one self-contained page (the
// BLUE paper's figures: contribution score, δ alignment, single-layer editing, weight shift error
// against distance / batch size / sequence length beside its bound's terms, hidden-state shift).
import { barChart, htmlPage, lineChart, renderSvg, type Datum, type PageSection } from "../plots/index.js";
import type { DiagnoseReport, LayerStats, ShiftTerms } from "./types.js";

const COMPUTED = "#d95f02";
const DISTRIBUTED = "#1b9e77";
const NONE = "#7570b3";

function bandRows(layers: number[], stats: LayerStats, series: string, extra: Datum = {}): Datum[] {
  return layers.map((layer, i) => ({
    layer,
    value: stats.mean[i],
    lower: stats.mean[i] - stats.std[i],
    upper: stats.mean[i] + stats.std[i],
    series,
    ...extra,
  }));
}

async function contributionSection(r: DiagnoseReport): Promise<PageSection> {
  const c = r.contribution;
  const none = { mean: c.layers.map(() => c.none.mean), std: c.layers.map(() => c.none.std) };
  const data = [
    ...bandRows(c.layers, c.computed, "δ computed at l"),
    ...bandRows(c.layers, c.distributed, "δ^L distributed"),
    ...bandRows(c.layers, none, "no δ"),
  ];
  const svg = await renderSvg(
    lineChart({
      title: "p(target_new) with δ added at layer l",
      data,
      x: { field: "layer", title: "critical layer l" },
      y: { field: "value", title: "mean p(target_new) over templates" },
      series: "series",
      colors: { "δ computed at l": COMPUTED, "δ^L distributed": DISTRIBUTED, "no δ": NONE },
      band: { lower: "lower", upper: "upper" },
    }),
  );
  return {
    title: "(a) Contribution score per layer",
    text: [
      "Mean probability of the new target (exp of minus the mean target-token NLL, averaged over the context " +
        "templates) when δ is added to layer l's output at the subject's last token: the δ compute_z finds at l, " +
        `or δ^L times the share the method hands layer l (${c.share.map((s) => s.toFixed(3)).join(", ")}); ` +
        "mean ± std over records. At L the two coincide.",
    ],
    figures: [svg],
  };
}

async function alignmentSection(r: DiagnoseReport): Promise<PageSection> {
  const a = r.delta_alignment;
  const cos = await renderSvg(
    lineChart({
      title: "cos(δ^L·share, δ^l)",
      data: bandRows(a.layers, a.cos, "cos"),
      x: { field: "layer", title: "critical layer l" },
      y: { field: "value", title: "cosine similarity" },
      band: { lower: "lower", upper: "upper" },
      width: 300,
    }),
  );
  const distances = await renderSvg(
    barChart({
      title: "distance between the δ each layer needs and δ^L",
      data: [
        ...bandRows(a.layers, a.distance, "‖δ^l − δ^L‖"),
        ...bandRows(a.layers, a.distributed_distance, "‖δ^l − δ^L·share‖"),
        ...bandRows(a.layers, a.norm, "‖δ^l‖"),
      ],
      x: { field: "layer", title: "critical layer l" },
      y: { field: "value", title: "norm" },
      series: "series",
      errors: { lower: "lower", upper: "upper" },
    }),
  );
  return {
    title: "(b) How far the δ each layer needs is from δ^L",
    text: ["Mean ± std over records; δ for PMET is the MLP-output part of its joint optimisation."],
    figures: [cos, distances],
  };
}

async function singleLayerSection(r: DiagnoseReport): Promise<PageSection> {
  const s = r.single_layer;
  const rows = (metric: "efficacy" | "generalization") =>
    s.layers.flatMap((layer, i) => [
      { layer, value: s.computed[metric][i], series: "computed residual R^l" },
      { layer, value: s.distributed[metric][i], series: "distributed residual R^L·share" },
    ]);
  const colors = { "computed residual R^l": COMPUTED, "distributed residual R^L·share": DISTRIBUTED };
  const figures = [];
  for (const metric of ["efficacy", "generalization"] as const)
    figures.push(
      await renderSvg(
        barChart({
          title: metric,
          data: rows(metric),
          x: { field: "layer", title: "the only layer updated" },
          y: { field: "value", title: `${metric} (%)` },
          series: "series",
          colors,
          width: 300,
        }),
      ),
    );
  return {
    title: "(c) Single-layer editing: computed vs distributed residual",
    text: [
      `Only layer l updated. Unedited: efficacy ${s.unedited.efficacy.toFixed(1)} %, generalisation ` +
        `${s.unedited.generalization === null ? "–" : s.unedited.generalization.toFixed(1) + " %"}.`,
    ],
    figures,
    table: {
      header: [
        "layer",
        "efficacy (computed)",
        "efficacy (distributed)",
        "generalisation (computed)",
        "generalisation (distributed)",
      ],
      rows: s.layers.map((l, i) => [
        l,
        s.computed.efficacy[i],
        s.distributed.efficacy[i],
        s.computed.generalization[i],
        s.distributed.generalization[i],
      ]),
    },
  };
}

function termRows(t: ShiftTerms, distance: number[], keys: (keyof ShiftTerms)[], names: string[]): Datum[] {
  return keys.flatMap((k, j) =>
    distance.map((dist, i) => ({ distance: dist, value: (t[k] as (number | null)[])[i], series: names[j] })),
  );
}

async function weightShiftSection(r: DiagnoseReport): Promise<PageSection> {
  const w = r.weight_shift;
  const byDistance = await renderSvg(
    lineChart({
      title: `‖E^l‖_F against distance (batch of ${w.by_distance.batch_size})`,
      data: termRows(
        w.by_distance,
        w.distance,
        ["error_norm", "tight_bound", "bound"],
        ["‖E^l‖_F", "‖R̃ − R^l‖·‖Q‖₂", "(‖R^l − R^L‖ + (L−l)‖R^L‖)·‖Q‖₂"],
      ),
      x: { field: "distance", title: "distance L − l" },
      y: { field: "value", title: "Frobenius norm" },
      series: "series",
      width: 340,
    }),
  );
  const terms = await renderSvg(
    lineChart({
      title: "the bound's residual terms",
      data: termRows(
        w.by_distance,
        w.distance,
        ["residual_gap", "distance_term"],
        ["‖R^l − R^L‖_F", "(L − l)‖R^L‖_F"],
      ),
      x: { field: "distance", title: "distance L − l" },
      y: { field: "value", title: "Frobenius norm" },
      series: "series",
      width: 300,
    }),
  );
  const q = await renderSvg(
    lineChart({
      title: "‖Q‖₂ of each layer's solve",
      data: termRows(w.by_distance, w.distance, ["q_norm"], ["‖Q‖₂"]),
      x: { field: "distance", title: "distance L − l" },
      y: { field: "value", title: "spectral norm" },
      width: 240,
    }),
  );
  const batch = await renderSvg(
    lineChart({
      title: "‖E^l‖_F against batch size",
      data: w.by_batch_size.terms.flatMap((t) =>
        w.layers.map((layer, i) => ({
          batch: t.batch_size,
          value: t.error_norm[i],
          series: `layer ${layer}`,
        })),
      ),
      x: { field: "batch", title: "records in the batch" },
      y: { field: "value", title: "‖E^l‖_F" },
      series: "series",
      width: 300,
    }),
  );
  const s = w.by_sequence;
  const sequence = await renderSvg(
    lineChart({
      title: `cumulative ‖Σ E^l‖_F over batches of ${s.batch_size}`,
      data: s.cumulative_error_norm.flatMap((row, t) =>
        w.layers.map((layer, i) => ({ batches: t + 1, value: row[i], series: `layer ${layer}` })),
      ),
      x: { field: "batches", title: "batches edited (sequence length)" },
      y: { field: "value", title: "‖Σ_s E^l_s‖_F" },
      series: "series",
      width: 300,
    }),
  );
  return {
    title: "(d) Weight shift error E^l = ΔW̃^l − ΔW*^l",
    text: [
      "ΔW̃^l is layer l's update from the distributed residual R^L·share, ΔW*^l the update its own residual " +
        "R^l = Z^l − H^l asks for, through the same solve ΔW = R·Q. The error is bounded by " +
        "(‖R^l − R^L‖ + (L − l)‖R^L‖)·‖Q‖₂: the charts show which term drives it.",
    ],
    figures: [byDistance, terms, q, batch, sequence],
  };
}

async function hiddenShiftSection(r: DiagnoseReport): Promise<PageSection> {
  const h = r.hidden_shift;
  const rows: Datum[] = [];
  const push = (who: string, s: DiagnoseReport["hidden_shift"]["method"]) => {
    for (const [group, v] of [
      ["records not edited", s.unedited_records],
      ["edited records", s.edited_records],
    ] as const)
      rows.push({
        group,
        value: v.relative_shift.mean,
        lower: v.relative_shift.mean - v.relative_shift.std,
        upper: v.relative_shift.mean + v.relative_shift.std,
        series: who,
      });
  };
  push(r.method, h.method);
  if (h.blue) push(`${r.method}+BLUE`, h.blue);
  const svg = await renderSvg(
    barChart({
      title: `‖Δh^${h.layer}‖ / ‖h^${h.layer}‖ at the subject's last token`,
      data: rows,
      x: { field: "group", title: null },
      y: { field: "value", title: "relative hidden-state shift" },
      series: "series",
      colors: { [r.method]: DISTRIBUTED, [`${r.method}+BLUE`]: COMPUTED },
      errors: { lower: "lower", upper: "upper" },
      width: 300,
    }),
  );
  return {
    title: "(e) Hidden-state shift at the last critical layer",
    text: [
      `${h.held_out} records never edited: how far the sequential edit moves h^${h.layer} at their subject's last ` +
        "token (mean ± std), beside the edited records' own prompts.",
    ],
    figures: [svg],
  };
}

/** The whole report as one HTML page. */
export async function renderDiagnoseHtml(r: DiagnoseReport): Promise<string> {
  return htmlPage({
    title: `Weight-shift diagnostics: ${r.method} on ${r.model}`,
    intro: [
      `Critical layers ${r.layers.join(", ")} (${r.hparams_source}); ${r.records} records edited, ` +
        `${r.hidden_shift.held_out} held out. δ and residuals at the ${r.residual_site} output.`,
    ],
    sections: [
      await contributionSection(r),
      await alignmentSection(r),
      await singleLayerSection(r),
      await weightShiftSection(r),
      await hiddenShiftSection(r),
    ],
    footer: `locedit diagnose ${r.locedit_version} (BLUE, Li et al., arXiv 2502.03748, §3); ${r.timings_s.total.toFixed(1)} s`,
  });
}
