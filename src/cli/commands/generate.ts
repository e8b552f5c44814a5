// `locedit generate`: greedy or seeded top-k continuation of a prompt.
import { generate, type Decoding } from "../../runtime/generate.js";
import { optionalInt, parseOptions, requireString, UsageError } from "../args.js";
import { loadModelAndTokenizer } from "../load.js";

const USAGE = `usage: locedit generate --model DIR --prompt TEXT [--max-new-tokens N] [--greedy | --top-k K --seed S [--temperature T]] [--no-stop] [--json]`;

export async function generateCommand(argv: string[]): Promise<void> {
  const values = parseOptions(
    argv,
    {
      model: { type: "string" },
      prompt: { type: "string" },
      "max-new-tokens": { type: "string" },
      greedy: { type: "boolean" },
      "top-k": { type: "string" },
      seed: { type: "string" },
      temperature: { type: "string" },
      "no-stop": { type: "boolean" },
      json: { type: "boolean" },
    },
    USAGE,
  );
  if (values.help) return void console.log(USAGE);
  const dir = requireString(values, "model", USAGE);
  const prompt = requireString(values, "prompt", USAGE);
  const maxNewTokens = optionalInt(values, "max-new-tokens", 32);
  if (values.greedy && values["top-k"] !== undefined)
    throw new UsageError(`--greedy and --top-k exclude each other\n\n${USAGE}`);
  let decoding: Decoding = { kind: "greedy" };
  if (values["top-k"] !== undefined) {
    const temperature = values.temperature === undefined ? 1 : Number(values.temperature);
    if (!(temperature > 0)) throw new UsageError(`--temperature must be a positive number`);
    decoding = {
      kind: "top-k",
      k: optionalInt(values, "top-k", 50, 1),
      seed: optionalInt(values, "seed", 0),
      temperature,
    };
  }
  const { model, tokenizer } = await loadModelAndTokenizer(dir);
  const promptIds = tokenizer.encode(prompt);
  const stop = values["no-stop"] || tokenizer.eosTokenId === null ? [] : [tokenizer.eosTokenId];
  const [ids] = generate(model, [promptIds], {
    maxNewTokens,
    decoding,
    stopTokenIds: stop,
    padId: tokenizer.padTokenId,
  });
  if (values.json) console.log(JSON.stringify({ prompt_ids: promptIds, ids, text: tokenizer.decode(ids) }));
  else console.log(prompt + tokenizer.decode(ids, { skipSpecialTokens: true }));
}
