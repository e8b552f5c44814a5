// The plotting helpers: each chart builder renders to an SVG that carries its data's labels, a chart
// with a data URL is refused (pages never reach out), and the HTML page escapes text and inlines SVG.
import { test } from "node:test";
import assert from "node:assert/strict";
import { barChart, heatmap, htmlPage, lineChart, renderSvg, escapeHtml } from "../../src/plots/index.js";

test("lineChart renders an SVG with its axis titles and one path per series", async () => {
  const data = [0, 1, 2].flatMap((layer) => [
    { layer, value: layer * 0.5, lo: layer * 0.5 - 0.1, hi: layer * 0.5 + 0.1, series: "computed" },
    { layer, value: 1 - layer * 0.2, lo: 0.7, hi: 1, series: "distributed" },
  ]);
  const svg = await renderSvg(
    lineChart({
      title: "contribution",
      data,
      x: { field: "layer", title: "critical layer" },
      y: { field: "value", title: "p(target)" },
      series: "series",
      band: { lower: "lo", upper: "hi" },
    }),
  );
  assert.match(svg, /^<svg/);
  assert.match(svg, /critical layer/);
  assert.match(svg, /p\(target\)/);
  assert.match(svg, /computed/);
  assert.match(svg, /distributed/);
});

test("barChart and heatmap render, without warnings", async () => {
  const warnings: string[] = [];
  const onWarning = (w: string) => warnings.push(w);
  const bars = await renderSvg(
    barChart({
      data: [
        { layer: "3", v: 1, lo: 0.5, hi: 1.5, kind: "a" },
        { layer: "3", v: 2, lo: 1.5, hi: 2.5, kind: "b" },
      ],
      x: { field: "layer" },
      y: { field: "v", title: "norm" },
      series: "kind",
      colors: { a: "#f00", b: "#00f" },
      errors: { lower: "lo", upper: "hi" },
    }),
    { onWarning },
  );
  assert.match(bars, /norm/);
  const cells = [0, 1].flatMap((layer) =>
    ["0: The", "1: cat*"].map((token, i) => ({ layer, token, p: layer + i })),
  );
  const map = await renderSvg(
    heatmap({
      data: cells,
      x: { field: "layer" },
      y: { field: "token" },
      value: { field: "p", title: "p(answer)" },
      scheme: "greens",
    }),
    { onWarning },
  );
  assert.deepEqual(warnings, []);
  assert.match(map, /1: cat\*/);
  assert.match(map, /p\(answer\)/);
});

test("a chart whose data is a URL is refused, not fetched", async () => {
  await assert.rejects(
    renderSvg({
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      data: { url: "https://example.com/data.json" },
      mark: "point",
      encoding: { x: { field: "a", type: "quantitative" } },
    }),
  );
});

test("htmlPage escapes text, inlines SVG without an XML declaration and renders tables", () => {
  const html = htmlPage({
    title: "a <b> & c",
    intro: ["x < y"],
    sections: [
      {
        title: "s",
        figures: ['<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>'],
        table: {
          header: ["layer", "value"],
          rows: [
            [3, 0.123456],
            ["L", null],
          ],
        },
      },
    ],
  });
  assert.match(html, /<title>a &lt;b&gt; &amp; c<\/title>/);
  assert.match(html, /<p>x &lt; y<\/p>/);
  assert.ok(!html.includes("<?xml"));
  assert.match(html, /<td>0.1235<\/td>/);
  assert.match(html, /<td>–<\/td>/);
  assert.ok(!/<(script|link)\b/.test(html), "nothing loaded from elsewhere");
  assert.throws(
    () => htmlPage({ title: "t", sections: [{ title: "s", figures: ["not svg"] }] }),
    /not an SVG/,
  );
  assert.equal(escapeHtml(`"'`), "&quot;&#39;");
});
