// Small Vega-Lite chart builders shared by the HTML outputs (diagnostics, causal tracing, reports):
// lines over an x axis with optional ± bands, grouped bars, and a heatmap. Each returns a spec for
// ./render.ts; anything they do not cover can be written as a Vega-Lite spec directly.
import type { ChartSpec } from "./render.js";

/** One row of chart data: field name → number or label. */
export type Datum = Record<string, number | string | null>;

export interface AxisField {
  field: string;
  /** axis title (default the field's name; null for none) */
  title?: string | null;
  /** "quantitative" (default for y), "ordinal" (default for x) or "nominal" */
  type?: "quantitative" | "ordinal" | "nominal";
  /** log scale (quantitative only) */
  log?: boolean;
  /** ticks at whole numbers only (counts: batches, edits) */
  integer?: boolean;
}

export interface ChartFrame {
  title?: string;
  /** plot area in pixels (default 420 × 240) */
  width?: number;
  height?: number;
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

function frame(options: ChartFrame) {
  return {
    $schema: SCHEMA,
    ...(options.title ? { title: options.title } : {}),
    width: options.width ?? 420,
    height: options.height ?? 240,
    config: { font: "sans-serif", view: { stroke: "#ddd" }, legend: { labelLimit: 320 } },
  };
}

function axis(a: AxisField, fallback: "quantitative" | "ordinal") {
  const type = a.type ?? fallback;
  return {
    field: a.field,
    type,
    title: a.title === undefined ? a.field : a.title,
    ...(a.log && type === "quantitative" ? { scale: { type: "log" } } : {}),
    ...(type === "quantitative" && !a.log ? { scale: { zero: false } } : {}),
    ...(a.integer || type === "ordinal"
      ? {
          axis: {
            ...(a.integer ? { tickMinStep: 1, format: "d" } : {}),
            ...(type === "ordinal" ? { labelAngle: 0 } : {}),
          },
        }
      : {}),
  };
}

export interface LineChartOptions extends ChartFrame {
  data: readonly Datum[];
  x: AxisField;
  y: AxisField;
  /** field naming the series (one line each) */
  series?: string;
  /** series name → colour (CSS), to keep one colour per series across charts */
  colors?: Record<string, string>;
  /** fields holding the lower and upper end of a band around y (e.g. mean ± std) */
  band?: { lower: string; upper: string };
}

function seriesColor(field: string, colors: Record<string, string> | undefined, legend: boolean) {
  return {
    field,
    type: "nominal",
    title: null,
    ...(colors ? { scale: { domain: Object.keys(colors), range: Object.values(colors) } } : {}),
    ...(legend ? {} : { legend: null }),
  };
}

/** Lines with points, one per series, and an optional shaded band (mean ± std). */
export function lineChart(options: LineChartOptions): ChartSpec {
  const x = axis(options.x, "ordinal");
  const y = axis(options.y, "quantitative");
  const color = options.series ? { color: seriesColor(options.series, options.colors, true) } : {};
  // The line layer comes first so that the legend shows its symbols, not the band's pale ones.
  const layers: object[] = [{ mark: { type: "line", point: true }, encoding: { x, y, ...color } }];
  if (options.band)
    layers.push({
      mark: { type: "area", opacity: 0.18 },
      encoding: {
        x,
        y: { field: options.band.lower, type: "quantitative", title: y.title },
        y2: { field: options.band.upper },
        ...color,
      },
    });
  return { ...frame(options), data: { values: options.data as Datum[] }, layer: layers } as ChartSpec;
}

export interface BarChartOptions extends ChartFrame {
  data: readonly Datum[];
  x: AxisField;
  y: AxisField;
  /** field naming the bar within each x group (side-by-side bars) */
  series?: string;
  /** series name → colour (CSS) */
  colors?: Record<string, string>;
  /** fields holding the ends of an error bar on each bar */
  errors?: { lower: string; upper: string };
}

/** Bars (grouped side by side by `series`), with optional error bars. */
export function barChart(options: BarChartOptions): ChartSpec {
  const x = axis(options.x, "ordinal");
  const y = axis(options.y, "quantitative");
  // Both layers place their marks by the same offset scale; with colours given, its order is theirs.
  const offset = options.series
    ? {
        xOffset: {
          field: options.series,
          type: "nominal",
          ...(options.colors ? { scale: { domain: Object.keys(options.colors) } } : {}),
        },
      }
    : {};
  const color = options.series ? { color: seriesColor(options.series, options.colors, true) } : {};
  const layers: object[] = [
    { mark: "bar", encoding: { x, y: { ...y, scale: { zero: true } }, ...color, ...offset } },
  ];
  if (options.errors)
    layers.push({
      mark: { type: "rule", color: "#333" },
      encoding: {
        x,
        y: { field: options.errors.lower, type: "quantitative" },
        y2: { field: options.errors.upper },
        ...offset,
      },
    });
  return { ...frame(options), data: { values: options.data as Datum[] }, layer: layers } as ChartSpec;
}

export interface HeatmapOptions extends ChartFrame {
  data: readonly Datum[];
  x: AxisField;
  y: AxisField;
  value: AxisField;
  /** Vega colour scheme, e.g. "purples", "greens", "reds", "viridis" */
  scheme?: string;
  /** order of the y categories, top to bottom (default: as they first appear in data) */
  yOrder?: readonly string[];
  /** colour domain [min, max] (default: the data's) */
  domain?: readonly [number, number];
}

/** A grid of coloured cells: x and y categories, colour by value. */
export function heatmap(options: HeatmapOptions): ChartSpec {
  const yOrder = options.yOrder ?? [...new Set(options.data.map((d) => String(d[options.y.field])))];
  return {
    ...frame(options),
    data: { values: options.data as Datum[] },
    mark: "rect",
    encoding: {
      x: axis(options.x, "ordinal"),
      y: { ...axis(options.y, "ordinal"), sort: [...yOrder] },
      color: {
        field: options.value.field,
        type: "quantitative",
        title: options.value.title === undefined ? options.value.field : options.value.title,
        scale: {
          scheme: options.scheme ?? "purples",
          ...(options.domain ? { domain: [...options.domain] } : {}),
        },
      },
      tooltip: [
        { field: options.x.field, type: "ordinal" },
        { field: options.y.field, type: "ordinal" },
        { field: options.value.field, type: "quantitative", format: ".4f" },
      ],
    },
  } as ChartSpec;
}
