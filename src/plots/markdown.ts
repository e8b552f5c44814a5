// A PageTable (./page.ts) as a GitHub-flavoured Markdown table, for the text twins of the HTML
// pages (e.g. an experiment's report.md).
import type { PageTable } from "./page.js";

function cell(value: string | number | null): string {
  if (value === null) return "–";
  const text =
    typeof value === "number" ? (Number.isInteger(value) ? String(value) : value.toPrecision(4)) : value;
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function markdownTable(table: PageTable): string {
  const align = table.header.map((_, i) => (i === 0 ? ":--" : "--:"));
  return [table.header.map(cell), align, ...table.rows.map((r) => r.map(cell))]
    .map((r) => `| ${r.join(" | ")} |`)
    .join("\n");
}
