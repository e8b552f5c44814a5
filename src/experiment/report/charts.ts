// The report's charts as Vega-Lite specifications (src/plots): each general-capability probe
// against the number of edits (one line per run), ‖W − W₀‖ of each updated layer against edits,
// the compute_z loss before and after optimisation per batch, and the seconds per stage.
import { barChart, lineChart, type ChartSpec, type Datum } from "../../plots/index.js";
import type { RunData } from "./read-run.js";
import { probeHeadline } from "./tables.js";

const SIZE = { width: 330, height: 200 };

/** One chart per probe task: its headline figure against edits, a line per run. */
export function probeCharts(runs: readonly RunData[], names: readonly string[]): ChartSpec[] {
  const byTask = new Map<string, { data: Datum[]; figure: string }>();
  runs.forEach((run, i) => {
    for (const line of run.probes)
      for (const [task, result] of Object.entries(line.probes)) {
        const { name, value } = probeHeadline(result as unknown as Record<string, unknown>);
        if (value === null) continue;
        const entry = byTask.get(task) ?? { data: [], figure: name };
        entry.data.push({ edits: line.edits, value, run: names[i] });
        byTask.set(task, entry);
      }
  });
  return [...byTask].map(([task, { data, figure }]) =>
    lineChart({
      ...SIZE,
      title: `${task}: ${figure}`,
      data,
      x: { field: "edits", type: "quantitative", title: "edits", integer: true },
      y: { field: "value", title: figure },
      series: "run",
    }),
  );
}

/** ‖W − W₀‖ (Frobenius) of each updated layer after each batch, from 0 before the first. */
export function shiftChart(runs: readonly RunData[], names: readonly string[]): ChartSpec | null {
  const data: Datum[] = [];
  runs.forEach((run, i) => {
    const layers = new Set<number>();
    for (const batch of run.batches)
      for (const l of batch.layers) {
        if (!layers.has(l.layer)) data.push({ edits: 0, norm: 0, series: `${names[i]} · layer ${l.layer}` });
        layers.add(l.layer);
        data.push({ edits: batch.edits, norm: l.shift_norm, series: `${names[i]} · layer ${l.layer}` });
      }
  });
  if (data.length === 0) return null;
  return lineChart({
    ...SIZE,
    width: 460,
    title: "‖W − W₀‖ per updated layer",
    data,
    x: { field: "edits", type: "quantitative", title: "edits", integer: true },
    y: { field: "norm", title: "‖W − W₀‖ (Frobenius)" },
    series: "series",
  });
}

/** Mean compute_z loss over the batch's requests, before and after optimising δ, per z layer. */
export function zLossCharts(runs: readonly RunData[], names: readonly string[]): ChartSpec[] {
  const data: Record<"before" | "after", Datum[]> = { before: [], after: [] };
  runs.forEach((run, i) => {
    for (const batch of run.batches) {
      const byLayer = new Map<number, { before: number; after: number; n: number }>();
      for (const request of batch.requests)
        for (const z of request.z) {
          const acc = byLayer.get(z.layer) ?? { before: 0, after: 0, n: 0 };
          acc.before += z.loss_before;
          acc.after += z.loss_after;
          acc.n++;
          byLayer.set(z.layer, acc);
        }
      for (const [layer, acc] of byLayer)
        for (const when of ["before", "after"] as const)
          data[when].push({
            batch: batch.index,
            loss: acc[when] / acc.n,
            series: `${names[i]} · z at layer ${layer}`,
          });
    }
  });
  if (data.before.length === 0) return [];
  return (["before", "after"] as const).map((when) =>
    lineChart({
      ...SIZE,
      title: `compute_z loss ${when} optimisation (batch mean)`,
      data: data[when],
      x: { field: "batch", type: "quantitative", title: "batch", integer: true },
      y: { field: "loss", title: "loss", log: true },
      series: "series",
    }),
  );
}

/** Seconds per stage (z, keys, solve, apply) summed over each run's batches. */
export function timingChart(runs: readonly RunData[], names: readonly string[]): ChartSpec | null {
  const stages = ["z", "keys", "solve", "apply"] as const;
  const data: Datum[] = runs.flatMap((run, i) =>
    stages.map((stage) => ({
      run: names[i],
      stage,
      seconds: run.batches.reduce((a, b) => a + b.timings_s[stage], 0),
    })),
  );
  if (runs.every((r) => r.batches.length === 0)) return null;
  return barChart({
    ...SIZE,
    width: 460,
    title: "editing time per stage",
    data,
    x: { field: "run", type: "nominal", title: "run" },
    y: { field: "seconds", title: "seconds" },
    series: "stage",
  });
}
