// `locedit report`: experiment runs side by side in one self-contained HTML page (inline SVG and
// CSS, nothing fetched) and, with --md, a Markdown file with the same tables (src/experiment/report).
import { writeRunReport } from "../../experiment/report/write.js";
import { requireString, UsageError } from "../args.js";
import { parseArgs } from "node:util";

const USAGE = `usage: locedit report RUN [RUN ...] --out FILE.html [--md FILE.md]

  RUN   a folder written by \`locedit experiment --out RUN\` (finished or not)`;

export async function reportCommand(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return void console.log(USAGE);
  if (positionals.length === 0) throw new UsageError(`give at least one RUN folder\n\n${USAGE}`);
  const out = requireString(values, "out", USAGE);
  await writeRunReport(positionals, out, values.md);
  const runs = `${positionals.length} run${positionals.length > 1 ? "s" : ""}`;
  console.log(`wrote ${out}${values.md ? ` and ${values.md}` : ""} (${runs})`);
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: { out: { type: "string" }, md: { type: "string" }, help: { type: "boolean", short: "h" } },
    allowPositionals: true,
    strict: true,
  });
}
