// One self-contained HTML page: inline CSS, inline SVG charts, tables; nothing loaded from
// elsewhere, so it opens offline and can be mailed as one file. Used by the diagnostics and causal
// tracing outputs and by run reports.

export interface PageTable {
  header: readonly string[];
  rows: readonly (readonly (string | number | null)[])[];
}

export interface PageSection {
  title: string;
  /** paragraphs of plain text (escaped) */
  text?: readonly string[];
  /** SVG documents (from renderSvg), shown side by side when they fit */
  figures?: readonly string[];
  table?: PageTable;
}

export interface Page {
  title: string;
  /** paragraphs under the title (plain text, escaped) */
  intro?: readonly string[];
  sections: readonly PageSection[];
  /** small print at the bottom (plain text, escaped) */
  footer?: string;
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1200px;
  padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: 0.3rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 1px solid #ddd; padding-bottom: 0.2rem; }
p { max-width: 80ch; }
.figures { display: flex; flex-wrap: wrap; gap: 1.2rem; align-items: flex-start; }
.figures svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.8rem 0; }
th, td { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: right; }
th { background: #f5f5f5; }
td:first-child, th:first-child { text-align: left; }
footer { margin-top: 3rem; font-size: 0.8rem; color: #777; }
`;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** An SVG document as an inline element: the XML declaration, if any, removed. */
function inlineSvg(svg: string): string {
  const start = svg.indexOf("<svg");
  if (start < 0) throw new Error("htmlPage: a figure is not an SVG document (no <svg> element)");
  return svg.slice(start);
}

function cell(value: string | number | null): string {
  if (value === null) return "–";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : value.toPrecision(4);
  return escapeHtml(value);
}

function tableHtml(table: PageTable): string {
  const head = `<tr>${table.header.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
  const body = table.rows.map((r) => `<tr>${r.map((v) => `<td>${cell(v)}</td>`).join("")}</tr>`).join("\n");
  return `<table>\n${head}\n${body}\n</table>`;
}

function sectionHtml(section: PageSection): string {
  const parts = [`<section>`, `<h2>${escapeHtml(section.title)}</h2>`];
  for (const p of section.text ?? []) parts.push(`<p>${escapeHtml(p)}</p>`);
  if (section.figures && section.figures.length > 0)
    parts.push(`<div class="figures">\n${section.figures.map(inlineSvg).join("\n")}\n</div>`);
  if (section.table) parts.push(tableHtml(section.table));
  parts.push(`</section>`);
  return parts.join("\n");
}

/** The page as one HTML document (UTF-8). */
export function htmlPage(page: Page): string {
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    `<h1>${escapeHtml(page.title)}</h1>`,
    ...(page.intro ?? []).map((p) => `<p>${escapeHtml(p)}</p>`),
    ...page.sections.map(sectionHtml),
    ...(page.footer ? [`<footer>${escapeHtml(page.footer)}</footer>`] : []),
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
