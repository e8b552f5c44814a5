// Zero-shot glue_eval probes (SST-2, MRPC, CoLA, RTE, MMLU, NLI as AlphaEdit/BLUE run them) scored
// two ways, as the reference's `*_eval.py` do:
//  1. label likelihood: for each label word w, the mean NLL of the tokens of " " + w after the
//     prompt (teacher forced); the decision of glue-tasks.ts → accuracy, weighted F1 (the
//     reference's `f1_new`) and MCC;
//  2. generation: `genLen` greedy tokens (stopping at EOS), parsed by the task's `_get_answer` →
//     accuracy (an invalid answer counts as wrong), weighted F1 and MCC (the reference's `f1`,
//     `mcc`), and the count of invalid answers.
// An item whose prompt plus the tokens it needs exceeds the model's context is skipped and counted;
// it never stops the probe. Figures are fractions in [0, 1] (MCC in [−1, 1]); null when no item
// was scored.
import type { CausalLM } from "../../models/causal-lm.js";
import { encodeContinuation } from "../../runtime/score.js";
import type { Tokenizer } from "../../tokenizers/tokenizer.js";
import { scoreTokenPairs, type TokenPair } from "../counterfact/batch-score.js";
import { greedyBatches } from "../greedy.js";
import { classificationFigures } from "./classification-metrics.js";
import { GLUE_FORMATS, labelDecision, type GlueItem, type GlueTask } from "./glue-tasks.js";
import type { ProbeRow } from "./rows.js";

export interface GlueProbeOptions {
  /** greedy tokens generated per item (default 5, GLUEEval.evaluate's gen_len) */
  genLen?: number;
  /** also score by generation (default true) */
  generation?: boolean;
  /** rows per forward / prompts per generate call (default 32) */
  batchRows?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface GlueProbeResult {
  task: GlueTask;
  /** items scored */
  n: number;
  /** items longer than the model's context, not scored */
  skipped: number;
  /** label-likelihood figures */
  accuracy: number | null;
  f1: number | null;
  mcc: number | null;
  /** generation figures (null when generation is off or nothing was scored) */
  generation: { accuracy: number; f1: number; mcc: number; invalid: number } | null;
}

/** Validates every row into an item; errors name the file, the row and the field. */
export function glueItems(task: GlueTask, rows: readonly ProbeRow[], source: string): GlueItem[] {
  const format = GLUE_FORMATS[task];
  return rows.map((row) => {
    try {
      return format.item(row.value);
    } catch (error) {
      throw new Error(`${source}: ${row.label}: ${(error as Error).message} (${task} row)`, { cause: error });
    }
  });
}

/** Prompt and label-word token ids; the label's ids are the suffix after the prompt's when they split cleanly. */
function encodeLabel(tokenizer: Tokenizer, prompt: string, promptIds: number[], word: string): TokenPair {
  try {
    return encodeContinuation(tokenizer, prompt, ` ${word}`);
  } catch {
    // As the reference: the label's own tokens, read after the prompt's.
    return { promptIds, targetIds: tokenizer.encode(` ${word}`, { addSpecialTokens: false }) };
  }
}

export function runGlueItems(
  task: GlueTask,
  items: readonly GlueItem[],
  model: CausalLM,
  tokenizer: Tokenizer,
  options: GlueProbeOptions = {},
): GlueProbeResult {
  const format = GLUE_FORMATS[task];
  const genLen = options.genLen ?? 5;
  const generation = options.generation ?? true;
  const context = model.config.maxPositions;
  const encoded = items.map((item) => {
    const promptIds = tokenizer.encode(item.prompt);
    const labels = format.labelWords.map((w) => encodeLabel(tokenizer, item.prompt, promptIds, w));
    const longestRow = Math.max(...labels.map((p) => p.promptIds.length + p.targetIds.length - 1));
    const fits =
      promptIds.length > 0 && longestRow <= context && (!generation || promptIds.length + genLen <= context);
    return { promptIds, labels, fits };
  });
  const kept = items.map((_, i) => i).filter((i) => encoded[i].fits);
  const words = format.labelWords.length;
  const pairs = kept.flatMap((i) => encoded[i].labels);
  const total = pairs.length + (generation ? kept.length : 0);
  const scores = scoreTokenPairs(model, pairs, {
    batchRows: options.batchRows ?? 32,
    padId: tokenizer.padTokenId,
    onProgress: (done) => options.onProgress?.(done, total),
  });
  const truth = kept.map((i) => items[i].label);
  const predicted = kept.map((_, k) =>
    labelDecision(
      format,
      scores.slice(k * words, (k + 1) * words).map((s) => Math.exp(-s.nll)),
    ),
  );
  const result: GlueProbeResult = {
    task,
    n: kept.length,
    skipped: items.length - kept.length,
    accuracy: null,
    f1: null,
    mcc: null,
    generation: null,
  };
  if (kept.length === 0) return result;
  Object.assign(result, classificationFigures(truth, predicted));
  if (generation) {
    const outputs = greedyBatches(
      model,
      kept.map((i) => encoded[i].promptIds),
      kept.map(() => genLen),
      {
        stopTokenIds: tokenizer.eosTokenId === null ? [] : [tokenizer.eosTokenId],
        padId: tokenizer.padTokenId,
        batchRows: options.batchRows ?? 32,
        onProgress: (done) => options.onProgress?.(pairs.length + done, total),
      },
    );
    const answers = kept.map((i, k) => {
      const ids = outputs[k] as number[];
      const full = tokenizer.decode([...encoded[i].promptIds, ...ids], { skipSpecialTokens: true });
      return format.parseGeneration(full, tokenizer.decode(ids, { skipSpecialTokens: true }));
    });
    result.generation = {
      ...classificationFigures(truth, answers),
      invalid: answers.filter((a) => a === -1).length,
    };
  }
  return result;
}
