// `locedit logprob`: log-probability of a target continuation given a prompt, token by token. The
// target gets a leading space unless it has one or the prompt ends with whitespace — the rule
// `edit` applies to targets (as kmeng01/memit does), so `--target Sweden` scores what an edit of
// "Sweden" taught the model; --exact scores the target as given.
import { scoreContinuation } from "../../runtime/score.js";
import { parseOptions, requireString } from "../args.js";
import { loadModelAndTokenizer } from "../load.js";

const USAGE = `usage: locedit logprob --model DIR --prompt TEXT --target TEXT [--exact] [--json]

  --exact   score the target exactly as given (default: with a leading space, as \`edit\` reads targets)`;

/** The continuation `edit` would train for `target` after `prompt`. */
export function editTarget(prompt: string, target: string): string {
  return /^\s/.test(target) || /\s$/.test(prompt) || prompt === "" ? target : ` ${target}`;
}

export async function logprobCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      prompt: { type: "string" },
      target: { type: "string" },
      exact: { type: "boolean" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const dir = requireString(values, "model", USAGE);
  const prompt = requireString(values, "prompt", USAGE);
  const given = requireString(values, "target", USAGE);
  const target = values.exact ? given : editTarget(prompt, given);
  const { model, tokenizer } = await loadModelAndTokenizer(dir);
  const score = scoreContinuation(model, tokenizer, prompt, target);
  if (values.json) {
    console.log(JSON.stringify({ logprob: score.logprob, target, tokens: score.tokens }));
    return;
  }
  console.log(`log p(${JSON.stringify(target)} | ${JSON.stringify(prompt)}) = ${score.logprob.toFixed(4)}`);
  for (const t of score.tokens)
    console.log(`  ${String(t.id).padStart(6)} ${JSON.stringify(t.text).padEnd(16)} ${t.logprob.toFixed(4)}`);
}
