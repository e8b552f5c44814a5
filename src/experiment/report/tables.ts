// The report's tables, in the BLUE paper's layout (Table 2: one row per method, ± BLUE; CounterFact
// efficacy / generalisation / specificity / fluency / consistency, then zsRE efficacy /
// generalisation / specificity), and beside it the generation-based (WILD) figures, the final
// general-capability probes and the timings. Runs of one method on the same model, edits and batch
// size share a row, a CounterFact run filling its columns and a zsRE run the others.
import { basename } from "node:path";
import type { PageTable } from "../../plots/index.js";
import { methodLabel, type RunData } from "./read-run.js";

const fixed = (value: unknown, digits = 1): string | null =>
  typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : null;

function rowKey(run: RunData): string {
  const c = run.config;
  // the model by its folder's name and shape, not its path: runs of one model made in different
  // checkouts (or moved) share a row
  const model = [basename(c.model.dir), c.model.layers, c.model.hidden_size, c.model.intermediate_size];
  return JSON.stringify([methodLabel(c), ...model, c.settings.edits, c.settings.batchSize]);
}

function shape(run: RunData): string {
  return `${run.config.settings.edits} / ${run.config.settings.batchSize}`;
}

export function metricsTable(runs: readonly RunData[]): PageTable {
  const rows = new Map<string, { cf?: RunData; zsre?: RunData; first: RunData }>();
  for (const run of runs) {
    const row = rows.get(rowKey(run)) ?? { first: run };
    if (run.config.settings.format === "zsre") row.zsre ??= run;
    else row.cf ??= run;
    rows.set(rowKey(run), row);
  }
  const m = (run: RunData | undefined, field: string) => fixed(run?.metrics?.metrics[field]);
  return {
    header: [
      "Method",
      "Model",
      "Edits / batch",
      "CF Eff.↑",
      "CF Gen.↑",
      "CF Spe.↑",
      "CF Flu.↑",
      "CF Consis.↑",
      "zsRE Eff.↑",
      "zsRE Gen.↑",
      "zsRE Spe.↑",
    ],
    rows: [...rows.values()].map(({ cf, zsre, first }) => [
      methodLabel(first.config),
      basename(first.config.model.dir),
      shape(first),
      m(cf, "efficacy"),
      m(cf, "generalization"),
      m(cf, "specificity"),
      m(cf, "fluency"),
      m(cf, "consistency"),
      m(zsre, "efficacy"),
      m(zsre, "generalization"),
      m(zsre, "specificity"),
    ]),
  };
}

/** Generation-based figures (greedy continuation matched to the target), and the CounterFact score. */
export function wildTable(runs: readonly RunData[], names: readonly string[]): PageTable {
  return {
    header: ["Run", "Format", "Score (hmean)", "WILD Eff.", "WILD Gen.", "WILD Spe.", "Records", "Skipped"],
    rows: runs.map((run, i) => {
      const metrics = run.metrics?.metrics ?? {};
      const wild = (metrics.wild ?? {}) as Record<string, unknown>;
      return [
        names[i],
        run.config.settings.format,
        fixed(metrics.score),
        fixed(wild.efficacy),
        fixed(wild.generalization),
        fixed(wild.specificity),
        typeof metrics.n === "number" ? metrics.n : null,
        typeof metrics.skipped === "number" ? metrics.skipped : null,
      ];
    }),
  };
}

/** The headline figure of a probe result: F1 for glue tasks, perplexity, retention accuracy. */
export function probeHeadline(result: Record<string, unknown>): { name: string; value: number | null } {
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  if (result.task === "perplexity") return { name: "perplexity", value: num(result.perplexity) };
  if (result.task === "retention") return { name: "retention accuracy", value: num(result.accuracy) };
  return { name: "F1", value: num(result.f1) };
}

/** The probes after the last batch, one row per run and task. */
export function probesTable(runs: readonly RunData[], names: readonly string[]): PageTable {
  const rows: (string | number | null)[][] = [];
  runs.forEach((run, i) => {
    const first = run.probes[0];
    const last = run.probes.at(-1);
    for (const [task, result] of Object.entries(last?.probes ?? {})) {
      const r = result as unknown as Record<string, unknown>;
      const before = probeHeadline((first?.probes[task] ?? {}) as unknown as Record<string, unknown>);
      const after = probeHeadline(r);
      rows.push([
        names[i],
        task,
        after.name,
        fixed(before.value, 3),
        fixed(after.value, 3),
        last!.edits,
        typeof r.n === "number" ? r.n : null,
        typeof r.skipped === "number" ? r.skipped : null,
      ]);
    }
  });
  return { header: ["Run", "Probe", "Figure", "Before", "After", "Edits", "Items", "Skipped"], rows };
}

/** Seconds per stage summed over the batches, the run's total and edits per second of editing. */
export function timingsTable(runs: readonly RunData[], names: readonly string[]): PageTable {
  return {
    header: ["Run", "Batches", "z s", "keys s", "solve s", "apply s", "editing s", "edits/s", "run s"],
    rows: runs.map((run, i) => {
      const sum = (k: "z" | "keys" | "solve" | "apply" | "total") =>
        run.batches.reduce((a, b) => a + b.timings_s[k], 0);
      const edits = run.batches.at(-1)?.edits ?? 0;
      const total = sum("total");
      return [
        names[i],
        run.batches.length,
        fixed(sum("z")),
        fixed(sum("keys")),
        fixed(sum("solve")),
        fixed(sum("apply"), 2),
        fixed(total),
        total > 0 ? fixed(edits / total, 2) : null,
        fixed(run.metrics?.seconds),
      ];
    }),
  };
}

/** What each run is: folder, model, method, variant, key history, hyperparameters, command. */
export function runsTable(runs: readonly RunData[], names: readonly string[]): PageTable {
  return {
    header: ["Run", "Folder", "Model", "Layers updated", "Key history", "Hyperparameters", "Status"],
    rows: runs.map((run, i) => [
      names[i],
      run.dir,
      `${basename(run.config.model.dir)} (${run.config.model.fingerprint.slice(0, 12)})`,
      run.config.updated_layers.join(", "),
      run.config.key_history ? "yes" : "no",
      run.config.hparams_source,
      run.metrics ? "finished" : `${run.batches.length} of ${run.config.batches} batches`,
    ]),
  };
}
