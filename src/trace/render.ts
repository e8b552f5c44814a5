// Causal tracing as pictures: one layers × positions heatmap per kind for a single prompt (the
// reference's plot_trace_heatmap: purple for block outputs, green for MLP, red for attention; the
// subject's tokens starred), and, averaged over records, the indirect effect per layer at the
// subject's last token and at the last token, with the suggested critical layers.
import { heatmap, htmlPage, lineChart, renderSvg, type Datum, type PageSection } from "../plots/index.js";
import type { RecordsTrace } from "./average.js";
import type { FactTrace } from "./causal-trace.js";
import type { TraceKind } from "./fact-run.js";
import type { LayerSuggestion } from "./suggest.js";

const SCHEME: Record<TraceKind, string> = { block: "purples", mlp: "greens", attn: "reds" };
const COLOR: Record<TraceKind, string> = { block: "#6a51a3", mlp: "#238b45", attn: "#cb181d" };

function kindTitle(kind: TraceKind, window: number): string {
  if (kind === "block") return "restoring one layer's hidden state h^l";
  const what = kind === "mlp" ? "MLP outputs" : "attention outputs";
  return window === 1 ? `restoring one layer's ${what}` : `restoring ${window} layers' ${what} centred on l`;
}

/** SVG heatmap of one kind: rows are the prompt's tokens (subject starred), columns the layers. */
export async function factHeatmapSvg(trace: FactTrace, kindIndex: number): Promise<string> {
  const k = trace.kinds[kindIndex];
  const [start, end] = trace.subjectRange;
  const labels = trace.tokens.map(
    (tok, t) => `${t}: ${JSON.stringify(tok).slice(1, -1)}${t >= start && t < end ? "*" : ""}`,
  );
  const data: Datum[] = k.scores.flatMap((row, t) => row.map((p, layer) => ({ layer, token: labels[t], p })));
  return renderSvg(
    heatmap({
      title: `${k.kind}: ${kindTitle(k.kind, k.window)}`,
      data,
      x: {
        field: "layer",
        title: k.window === 1 ? "restored layer" : `centre of ${k.window} restored layers`,
      },
      y: { field: "token", title: null },
      value: { field: "p", title: `p(${trace.answer.text.trim()})` },
      scheme: SCHEME[k.kind],
      yOrder: labels,
      width: Math.max(160, 36 * (data.length / labels.length)),
      height: Math.max(120, 22 * labels.length),
    }),
  );
}

/** One page with every kind's heatmap of a single prompt, and the heatmaps as SVG files. */
export async function renderFactTrace(
  trace: FactTrace,
): Promise<{ html: string; svgs: Map<TraceKind, string> }> {
  const svgs = new Map<TraceKind, string>();
  for (const [i, k] of trace.kinds.entries()) svgs.set(k.kind, await factHeatmapSvg(trace, i));
  const html = htmlPage({
    title: `Causal trace: ${trace.prompt}`,
    intro: [
      `Answer ${JSON.stringify(trace.answer.text)}${trace.answer.given ? " (given)" : " (the model's top-1 token)"}: ` +
        `p = ${trace.cleanProbability.toFixed(4)} clean, ${trace.corruptedProbability.toFixed(4)} with the subject's ` +
        `embeddings corrupted by Gaussian noise of std ${trace.noise.std.toPrecision(3)}` +
        (trace.noise.factor === null
          ? ""
          : ` (${trace.noise.factor} × σ = ${trace.noise.embeddingStd.toPrecision(3)})`) +
        `, ${trace.samples} corrupted samples, seed ${trace.seed}.`,
      "Each cell is p(answer) when the corrupted run gets back its clean state at that token and layer; " +
        "its excess over the corrupted probability is the indirect effect. Subject tokens are starred.",
    ],
    sections: [{ title: "Restored state × token", figures: trace.kinds.map((k) => svgs.get(k.kind)!) }],
    footer: "locedit trace (causal tracing, Meng et al. 2022)",
  });
  return { html, svgs };
}

function seriesName(kind: TraceKind, window: number): string {
  return kind === "block" ? "block (h^l)" : `${kind} (window ${window})`;
}

function effectChart(trace: RecordsTrace, at: "subjectLast" | "lastToken", title: string) {
  const data: Datum[] = trace.kinds.flatMap((k) =>
    k[at].mean.map((mean, layer) => ({
      layer,
      effect: mean,
      lower: mean - k[at].std[layer],
      upper: mean + k[at].std[layer],
      kind: seriesName(k.kind, k.window),
    })),
  );
  const colors = Object.fromEntries(trace.kinds.map((k) => [seriesName(k.kind, k.window), COLOR[k.kind]]));
  return renderSvg(
    lineChart({
      title,
      data,
      x: { field: "layer", title: "layer (centre of the restored window)" },
      y: { field: "effect", title: "average indirect effect" },
      series: "kind",
      colors,
      band: { lower: "lower", upper: "upper" },
    }),
  );
}

function suggestionSection(s: LayerSuggestion): PageSection {
  return {
    title: "Suggested critical layers",
    text: [
      `The ${s.windowLength}-layer window with the highest mean MLP indirect effect at the subject's last token ` +
        `(never the last layer) is [${s.layers.join(", ")}] (mean effect ${s.meanEffect.toFixed(4)}); ` +
        `BLUE's boundary layers are ${s.boundary[0]} and ${s.boundary[1]}.`,
    ],
    table: {
      header: ["window", "mean MLP effect"],
      rows: s.windows.map((w) => [`[${w.layers.join(", ")}]`, w.meanEffect]),
    },
  };
}

/** The averaged trace as one page: effect per layer at both positions, the suggestion, the records. */
export async function renderRecordsTrace(trace: RecordsTrace, suggestion?: LayerSuggestion): Promise<string> {
  const figures = [
    await effectChart(trace, "subjectLast", "restored at the subject's last token"),
    await effectChart(trace, "lastToken", "restored at the prompt's last token"),
  ];
  const sections: PageSection[] = [
    { title: "Average indirect effect per layer (mean ± std over records)", figures },
  ];
  if (suggestion) sections.push(suggestionSection(suggestion));
  sections.push({
    title: "Records",
    table: {
      header: ["prompt", "answer", "p clean", "p corrupted"],
      rows: trace.records.map((r) => [r.prompt, r.answer.text, r.cleanProbability, r.corruptedProbability]),
    },
  });
  return htmlPage({
    title: `Causal tracing over ${trace.records.length} records`,
    intro: [
      `Mean p(answer) ${trace.cleanProbability.mean.toFixed(4)} clean and ${trace.corruptedProbability.mean.toFixed(4)} ` +
        `corrupted (noise std ${trace.noise.std.toPrecision(3)}, ${trace.samples} samples, seed ${trace.seed}).`,
    ],
    sections,
    footer: "locedit trace --records (causal tracing, Meng et al. 2022)",
  });
}
