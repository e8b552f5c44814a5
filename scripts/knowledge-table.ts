// Prints the knowledge table of a trained model as Markdown, from its training.json (written by
// `locedit train`): one row per probe group (e.g. world/P19, real/P176) and the totals, known /
// total and accuracy for the trained phrasings and for the held-out (subject, phrasing) pairs.
// Usage: `node dist/scripts/knowledge-table.js MODEL_DIR/training.json`.
import { readFileSync } from "node:fs";

interface Split {
  correct: number;
  total: number;
  accuracy: number;
}
type Pair = { train: Split; heldout: Split };

const file = process.argv[2];
if (!file) {
  console.error("usage: node dist/scripts/knowledge-table.js TRAINING_JSON");
  process.exit(2);
}
const training = JSON.parse(readFileSync(file, "utf8")) as {
  knowledge?: Pair & { groups?: Record<string, Pair> };
};
const knowledge = training.knowledge;
if (!knowledge) {
  console.error(`${file}: no 'knowledge' (trained on a text file without probes?)`);
  process.exit(1);
}
const cell = (s: Split) =>
  s.total === 0 ? "–" : `${s.correct} / ${s.total} (${(100 * s.accuracy).toFixed(1)}%)`;
const sum = (pairs: Pair[], key: keyof Pair): Split => {
  const correct = pairs.reduce((n, p) => n + p[key].correct, 0);
  const total = pairs.reduce((n, p) => n + p[key].total, 0);
  return { correct, total, accuracy: total > 0 ? correct / total : 0 };
};
const groups = Object.entries(knowledge.groups ?? {});
console.log("| probes | trained phrasings | held-out pairs |");
console.log("|---|---|---|");
for (const [name, pair] of groups) console.log(`| ${name} | ${cell(pair.train)} | ${cell(pair.heldout)} |`);
for (const prefix of [...new Set(groups.map(([name]) => name.split("/")[0]))]) {
  const pairs = groups.filter(([name]) => name.startsWith(`${prefix}/`)).map(([, p]) => p);
  if (groups.length > 0)
    console.log(`| **${prefix}, all** | ${cell(sum(pairs, "train"))} | ${cell(sum(pairs, "heldout"))} |`);
}
console.log(`| **all** | ${cell(knowledge.train)} | ${cell(knowledge.heldout)} |`);
