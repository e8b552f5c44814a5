// Loading a model folder and its tokenizer for a CLI command, with a progress bar on a TTY.
import { loadModel } from "../models/load.js";
import { loadTokenizer } from "../tokenizers/load-tokenizer.js";
import { progressBar } from "./progress.js";

export async function loadModelAndTokenizer(dir: string) {
  // Off a TTY a line only every 30 s: a quick load (and a one-line error) stays quiet.
  const bar = progressBar("loading", { plainEveryMs: 30_000 });
  const model = loadModel(dir, { onProgress: (p) => bar.update(p.loaded, p.total, p.name) });
  bar.finish();
  const tokenizer = await loadTokenizer(dir);
  if (tokenizer.vocabSize > model.config.vocabSize)
    throw new Error(
      `${dir}: tokenizer has ${tokenizer.vocabSize} tokens but the model only ${model.config.vocabSize}`,
    );
  return { model, tokenizer };
}
