// `locedit report`: one self-contained HTML page (inline CSS and SVG, nothing fetched) with runs
// side by side — the metrics table in the paper's layout, the WILD figures, the probes against the
// number of edits, ‖W − W₀‖ per layer, the compute_z loss per batch and the timings — and a
// Markdown file with the same tables. An experiment writes one for itself (RUN/report.html).
import { LOCEDIT_VERSION } from "../../editing/editor/editor.js";
import { writeFileAtomic } from "../../io/atomic.js";
import { htmlPage, markdownTable, renderSvg, type PageSection, type PageTable } from "../../plots/index.js";
import { probeCharts, shiftChart, timingChart, zLossCharts } from "./charts.js";
import { readRun, seriesNames, type RunData } from "./read-run.js";
import { metricsTable, probesTable, runsTable, timingsTable, wildTable } from "./tables.js";

interface ReportPart {
  title: string;
  text?: string[];
  table?: PageTable;
  charts?: Promise<string>[];
}

function parts(runs: readonly RunData[]): ReportPart[] {
  const names = seriesNames(runs);
  const render = (specs: (ReturnType<typeof shiftChart> | undefined)[]) =>
    specs.filter((s) => s !== null && s !== undefined).map((s) => renderSvg(s!));
  return [
    {
      title: "Edit metrics (after the last batch, on every edited record)",
      text: [
        "CounterFact (CF): efficacy, generalisation and specificity success rates, fluency (weighted bi/tri-gram " +
          "entropy × 100) and consistency (TF-IDF cosine × 100); zsRE: teacher-forced token accuracy. Percent.",
      ],
      table: metricsTable(runs),
    },
    {
      title: "Generation-based (WILD) figures",
      text: ["Greedy continuations matched to the target, beside the teacher-forced score."],
      table: wildTable(runs, names),
    },
    {
      title: "General capability against the number of edits",
      charts: render(probeCharts(runs, names)),
      table: probesTable(runs, names),
    },
    { title: "Weight shift", charts: render([shiftChart(runs, names)]) },
    { title: "compute_z loss per batch", charts: render(zLossCharts(runs, names)) },
    { title: "Timings", charts: render([timingChart(runs, names)]), table: timingsTable(runs, names) },
    { title: "Runs", table: runsTable(runs, names) },
  ];
}

function markdown(runs: readonly RunData[], sections: readonly ReportPart[]): string {
  const lines = [`# locedit experiment report`, "", `Runs: ${runs.map((r) => r.dir).join(", ")}`, ""];
  for (const s of sections) {
    if (!s.table || s.table.rows.length === 0) continue;
    lines.push(`## ${s.title}`, "", ...(s.text ?? []).flatMap((t) => [t, ""]), markdownTable(s.table), "");
  }
  return lines.join("\n");
}

/** Reads the runs and writes the HTML page (and the Markdown tables when `mdPath` is given). */
export async function writeRunReport(
  dirs: readonly string[],
  htmlPath: string,
  mdPath?: string,
): Promise<void> {
  if (dirs.length === 0) throw new Error("report: no run folders given");
  const runs = dirs.map(readRun);
  const reportParts = parts(runs);
  const sections: PageSection[] = [];
  for (const part of reportParts) {
    const figures = await Promise.all(part.charts ?? []);
    if (!part.table && figures.length === 0) continue;
    sections.push({
      title: part.title,
      ...(part.text ? { text: part.text } : {}),
      ...(figures.length > 0 ? { figures } : {}),
      ...(part.table && part.table.rows.length > 0 ? { table: part.table } : {}),
    });
  }
  const html = htmlPage({
    title:
      runs.length === 1
        ? `Experiment: ${seriesNames(runs)[0]}`
        : `Experiments: ${seriesNames(runs).join(" vs ")}`,
    intro: runs.map((r) => `${r.dir}: ${r.config.command || "(no command recorded)"}`),
    sections,
    footer: `locedit ${LOCEDIT_VERSION}; written ${new Date().toISOString()}`,
  });
  writeFileAtomic(htmlPath, html);
  if (mdPath) writeFileAtomic(mdPath, markdown(runs, reportParts));
}
