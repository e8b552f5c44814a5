// `locedit world --spec FILE --out DIR`: writes a fact model's eval/ folder (eval-folder.ts) from a
// corpus spec: the world, its training texts, CounterFact/zsRE records (evaluation, tuning,
// retention), attribute snippets, the statistics corpus and held-out perplexity text. A shared
// data file the spec names but that is absent is skipped with a line saying so.
import { buildFactCorpus } from "../../data/world/corpus-spec.js";
import { writeEvalFolder } from "../../data/world/eval-folder.js";
import { readCorpusSpec } from "../../data/world/spec-file.js";
import { parseOptions, requireString } from "../args.js";

const USAGE = "usage: locedit world --spec FILE --out DIR";

export async function worldCommand(argv: string[]): Promise<void> {
  const values = parseOptions(argv, { spec: { type: "string" }, out: { type: "string" } }, USAGE);
  if (values.help) return void console.log(USAGE);
  const spec = readCorpusSpec(requireString(values, "spec", USAGE));
  const out = requireString(values, "out", USAGE);
  const corpus = buildFactCorpus(spec);
  for (const note of corpus.notes) console.error(`locedit world: skipped: ${note}`);
  const names = writeEvalFolder(out, corpus);
  console.log(
    `wrote ${out}: ${corpus.world.entities.length} subjects, ${corpus.world.facts.length} facts, ` +
      `${corpus.real?.facts.length ?? 0} real facts; ${names.join(", ")}`,
  );
}
