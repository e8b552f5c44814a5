// Benchmark rows and their two outputs: an aligned table with notes (default) or, with --json,
// only a JSON array of {name, ours, baseline, unit, ratio} on stdout.
// ratio > 1 means locedit is better: ours/baseline for throughputs, baseline/ours for costs.

export interface Row {
  name: string;
  ours: number;
  baseline: number | null;
  unit: string;
  ratio: number | null;
  /** shown under the table only */
  note?: string;
}

/** "higher": throughput (GFLOP/s, tokens/s); "lower": a cost (seconds, bytes). */
export type Better = "higher" | "lower";

export function makeRow(
  name: string,
  ours: number,
  baseline: number | null,
  unit: string,
  better: Better,
  note?: string,
): Row {
  let ratio: number | null = null;
  if (baseline !== null && ours > 0 && baseline > 0)
    ratio = better === "higher" ? ours / baseline : baseline / ours;
  return { name, ours, baseline, unit, ratio, ...(note ? { note } : {}) };
}

function formatNumber(value: number | null): string {
  if (value === null) return "—";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(3);
}

/** The rows as an aligned text table, each note numbered below it. */
export function formatTable(rows: readonly Row[]): string {
  const header = ["benchmark", "locedit", "baseline", "unit", "ratio"];
  const notes: string[] = [];
  const body = rows.map((row) => {
    let name = row.name;
    if (row.note) {
      notes.push(row.note);
      name += ` [${notes.length}]`;
    }
    const ratio = row.ratio === null ? "—" : `${row.ratio.toFixed(2)}×`;
    return [name, formatNumber(row.ours), formatNumber(row.baseline), row.unit, ratio];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ");
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  const lines = [line(header), rule, ...body.map(line)];
  if (notes.length > 0) lines.push("", ...notes.map((note, i) => `[${i + 1}] ${note}`));
  return lines.join("\n");
}

/** The rows as the JSON array of --json (notes left out). */
export function formatJson(rows: readonly Row[]): string {
  return JSON.stringify(
    rows.map(({ name, ours, baseline, unit, ratio }) => ({ name, ours, baseline, unit, ratio })),
    null,
    2,
  );
}
