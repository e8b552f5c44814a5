// The report of the facts-8l experiment (issue 13 §2): for one protocol folder
// (results/facts-8l/PROTOCOL/ROW/ holding each run's config.json, batches.jsonl, probes.jsonl and,
// once finished, metrics.json), writes PROTOCOL/report.md and report.html (`locedit report`'s tables
// and charts: the BLUE paper's Table 2 layout, probes, timings) and SVG plots under
// results/facts-8l/plots/: CounterFact efficacy / generalisation / specificity per row, each probe
// against edits, ‖W − W₀‖ per updated layer for each method with and without BLUE, editing time.
// Usage: node dist/scripts/facts-8l/report.js results/facts-8l/PROTOCOL
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { probeCharts, timingChart } from "../../src/experiment/report/charts.js";
import { readRun, seriesNames } from "../../src/experiment/report/read-run.js";
import { writeRunReport } from "../../src/experiment/report/write.js";
import { barChart, lineChart, renderSvg, type ChartSpec, type Datum } from "../../src/plots/index.js";

const METHOD_ROWS = [
  "memit",
  "memit-blue",
  "pmet",
  "pmet-blue",
  "alphaedit",
  "alphaedit-blue",
  "memit-seq",
  "memit-seq-blue",
];
// CounterFact rows first, then their ZsRE-form rows (ROW-zsre, FORMAT=zsre in run-experiments.sh)
const ORDER = [...METHOD_ROWS, ...METHOD_ROWS.map((r) => `${r}-zsre`)];

function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

async function svg(file: string, spec: ChartSpec | null): Promise<void> {
  if (spec) writeAtomic(file, await renderSvg(spec));
}

const protocolDir = process.argv[2];
if (!protocolDir || !existsSync(protocolDir)) {
  console.error("usage: node dist/scripts/facts-8l/report.js results/facts-8l/PROTOCOL");
  process.exit(2);
}
const protocol = basename(protocolDir);
const rows = readdirSync(protocolDir)
  .filter((d) => existsSync(join(protocolDir, d, "config.json")))
  .sort((a, b) => (ORDER.indexOf(a) + 1 || 99) - (ORDER.indexOf(b) + 1 || 99));
if (rows.length === 0) {
  console.error(`${protocolDir}: no run folders (ROW/config.json)`);
  process.exit(1);
}
const dirs = rows.map((r) => join(protocolDir, r));
await writeRunReport(dirs, join(protocolDir, "report.html"), join(protocolDir, "report.md"));
// Folders relative to the checkout, so the committed report does not name this machine's paths
// (nor those of the checkouts the runs were made in: anything before models/ or results/facts-8l).
for (const file of ["report.md", "report.html"]) {
  const path = join(protocolDir, file);
  const text = readFileSync(path, "utf8").split(`${process.cwd()}/`).join("");
  writeAtomic(path, text.replace(/\/[^\s"'|`()<>]*?\/((?:models|results)\/facts-8l\/)/g, "$1"));
}

const runs = dirs.map(readRun);
const names = seriesNames(runs);
const plots = join(dirname(protocolDir), "plots");
mkdirSync(plots, { recursive: true });
const finished = runs.map((r, i) => [r, names[i]] as const).filter(([r]) => r.metrics !== null);
for (const format of ["counterfact", "zsre"] as const) {
  const bars: Datum[] = finished
    .filter(([r]) => r.config.settings.format === format)
    .flatMap(([r, name]) =>
      (["efficacy", "generalization", "specificity"] as const).map((metric) => ({
        run: name,
        metric,
        value: r.metrics!.metrics[metric] as number,
      })),
    );
  if (bars.length > 0)
    await svg(
      join(plots, `${protocol}-${format}.svg`),
      barChart({
        title: `${format === "zsre" ? "ZsRE" : "CounterFact"} after ${runs[0].config.settings.edits} edits (${protocol})`,
        width: 620,
        height: 220,
        data: bars,
        x: { field: "run", type: "nominal", title: "run" },
        y: { field: "value", title: "%" },
        series: "metric",
      }),
    );
}
// one chart per probe and format (CounterFact runs, then their ZsRE-form twins), so that no chart
// has more series than the palette has colours
for (const format of ["counterfact", "zsre"] as const) {
  const pick = runs.flatMap((r, i) => (r.config.settings.format === format ? [i] : []));
  if (pick.length === 0) continue;
  const subset = pick.map((i) => runs[i]);
  const suffix = format === "zsre" ? "-zsre" : "";
  for (const [i, chart] of probeCharts(
    subset,
    pick.map((j) => names[j]),
  ).entries()) {
    const task =
      Object.keys(subset.find((r) => r.probes.length > 0)?.probes[0].probes ?? {})[i] ?? `probe-${i}`;
    await svg(join(plots, `${protocol}-${task}${suffix}.svg`), chart);
  }
}
// ‖W − W₀‖ per updated layer against edits, on a log scale (it spans many orders of magnitude
// here), for each method with and without BLUE side by side (one chart each).
function shiftChart(pick: readonly number[]): ChartSpec | null {
  const data: Datum[] = pick.flatMap((i) =>
    runs[i].batches.flatMap((b) =>
      b.layers.map((l) => ({ edits: b.edits, norm: l.shift_norm, series: `${names[i]} · layer ${l.layer}` })),
    ),
  );
  if (data.length === 0) return null;
  return lineChart({
    title: "‖W − W₀‖ per updated layer",
    width: 460,
    height: 220,
    data,
    x: { field: "edits", type: "quantitative", title: "edits", integer: true },
    y: { field: "norm", title: "‖W − W₀‖ (Frobenius, log scale)", log: true },
    series: "series",
  });
}
const byMethod = new Map<string, number[]>();
rows.forEach((row, i) => {
  const key = row.replace(/-blue(-zsre)?$/, "$1");
  byMethod.set(key, [...(byMethod.get(key) ?? []), i]);
});
for (const [method, idx] of byMethod)
  await svg(join(plots, `${protocol}-shift-${method}.svg`), shiftChart(idx));
await svg(join(plots, `${protocol}-timing.svg`), timingChart(runs, names));
console.log(
  `wrote ${protocolDir}/report.md, report.html and ${plots}/${protocol}-*.svg (${rows.join(", ")})`,
);
