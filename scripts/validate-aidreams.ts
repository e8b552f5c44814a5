// Validation on a real pretrained checkpoint (../shared/data/aidreams260K, see its README):
// `locedit generate --greedy` must reproduce the prompt token ids and the greedy continuation
// of llama2.c's run.c exactly, and the last-position logits must match reference_logits.json.
// Run by .ci/run when ../shared exists: `node dist/scripts/validate-aidreams.js [DIR]`.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadModel } from "../src/models/load.js";
import { packageRoot } from "../src/util/package-root.js";
import { makeBatch } from "../src/runtime/batch.js";

interface Reference {
  prompt: string;
  prompt_token_ids: number[];
  greedy_token_ids: number[];
}

const root = packageRoot();
const dir = process.argv[2] ?? join(root, "..", "shared", "data", "aidreams260K");
if (!existsSync(dir)) {
  console.log(`validate-aidreams: ${dir} not found, skipped`);
  process.exit(0);
}
const references = JSON.parse(readFileSync(join(dir, "reference.json"), "utf8")) as Reference[];
const cli = join(root, "dist", "src", "cli", "main.js");
let failures = 0;
for (const ref of references) {
  const args = ["generate", "--model", dir, "--prompt", ref.prompt, "--greedy", "--no-stop", "--json"];
  args.push("--max-new-tokens", String(ref.greedy_token_ids.length));
  const out = JSON.parse(execFileSync(process.execPath, [cli, ...args], { encoding: "utf8" })) as {
    prompt_ids: number[];
    ids: number[];
  };
  const promptOk = JSON.stringify(out.prompt_ids) === JSON.stringify(ref.prompt_token_ids);
  const idsOk = JSON.stringify(out.ids) === JSON.stringify(ref.greedy_token_ids);
  const firstDiff = out.ids.findIndex((id, i) => id !== ref.greedy_token_ids[i]);
  console.log(
    `${promptOk && idsOk ? "ok  " : "FAIL"} ${JSON.stringify(ref.prompt).padEnd(20)} prompt ids ${promptOk ? "match" : "differ"}, ` +
      `${out.ids.length} generated ids ${idsOk ? "match" : `differ from index ${firstDiff}`}`,
  );
  if (!promptOk || !idsOk) failures++;
}

const entries = JSON.parse(readFileSync(join(dir, "reference_logits.json"), "utf8")) as {
  prompt_token_ids: number[];
  last_position_logits: number[];
}[];
const model = loadModel(dir);
let worst = 0;
entries.forEach((entry) => {
  const ids = entry.prompt_token_ids;
  const trace = model.forward(makeBatch([ids]), { logits: [{ row: 0, position: ids.length - 1 }] });
  const scale = Math.max(...entry.last_position_logits.map(Math.abs));
  const diff = Math.max(...entry.last_position_logits.map((v, j) => Math.abs(v - trace.logits[j])));
  worst = Math.max(worst, diff / scale);
});
const logitsOk = worst <= 1e-4;
console.log(
  `${logitsOk ? "ok  " : "FAIL"} last-position logits of ${entries.length} prompts: max relative error ${worst.toExponential(2)}`,
);
if (!logitsOk) failures++;
console.log(
  failures === 0 ? "validate-aidreams: all checks passed" : `validate-aidreams: ${failures} check(s) failed`,
);
process.exit(failures === 0 ? 0 : 1);
