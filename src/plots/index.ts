// Plots for locedit's HTML outputs: Vega-Lite chart specs (./charts.ts) rendered to standalone SVG
// in Node (./render.ts), and self-contained HTML pages around them (./page.ts).
//   const svg = await renderSvg(lineChart({ data, x: { field: "layer" }, y: { field: "score" } }));
//   writeFileAtomic("out.html", htmlPage({ title: "…", sections: [{ title: "…", figures: [svg] }] }));
export { renderSvg, type ChartSpec, type RenderOptions } from "./render.js";
export {
  barChart,
  heatmap,
  lineChart,
  type AxisField,
  type BarChartOptions,
  type ChartFrame,
  type Datum,
  type HeatmapOptions,
  type LineChartOptions,
} from "./charts.js";
export { escapeHtml, htmlPage, type Page, type PageSection, type PageTable } from "./page.js";
export { markdownTable } from "./markdown.js";
