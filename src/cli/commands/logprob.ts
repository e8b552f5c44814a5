// `locedit logprob`: log-probability of a target continuation given a prompt, token by token.
import { scoreContinuation } from "../../runtime/score.js";
import { parseOptions, requireString } from "../args.js";
import { loadModelAndTokenizer } from "../load.js";

const USAGE = `usage: locedit logprob --model DIR --prompt TEXT --target TEXT [--json]`;

export async function logprobCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      prompt: { type: "string" },
      target: { type: "string" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const dir = requireString(values, "model", USAGE);
  const prompt = requireString(values, "prompt", USAGE);
  const target = requireString(values, "target", USAGE);
  const { model, tokenizer } = await loadModelAndTokenizer(dir);
  const score = scoreContinuation(model, tokenizer, prompt, target);
  if (values.json) {
    console.log(JSON.stringify({ logprob: score.logprob, tokens: score.tokens }));
    return;
  }
  console.log(`log p(${JSON.stringify(target)} | ${JSON.stringify(prompt)}) = ${score.logprob.toFixed(4)}`);
  for (const t of score.tokens)
    console.log(`  ${String(t.id).padStart(6)} ${JSON.stringify(t.text).padEnd(16)} ${t.logprob.toFixed(4)}`);
}
