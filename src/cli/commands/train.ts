// `locedit train`: trains a small GPT-2 or Llama model from scratch on the synthetic fact world
// (--world SEED) or on a text file (--text FILE, one document per line), with a tokenizer learned
// from the same documents, and writes a Hugging Face folder (config.json, model.safetensors,
// tokenizer.json, tokenizer_config.json) plus training.json (command, seeds, hyperparameters,
// loss curve, tokens seen, knowledge accuracy; wall_seconds = the training loop across resumed
// segments, command_wall_seconds = this invocation with tokenizer, knowledge check and save). Checkpoints go to a sibling folder
// (default OUT.checkpoints) so OUT stays a plain model folder; --resume continues from the newest.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readTextFile } from "../../io/fs-errors.js";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import {
  generateWorld,
  MIN_SUBJECTS,
  worldKnowledgeProbes,
  worldTrainingDocuments,
} from "../../data/world/index.js";
import { buildFactCorpus, corpusProbes, corpusTrainingDocuments } from "../../data/world/corpus-spec.js";
import { readCorpusSpec } from "../../data/world/spec-file.js";
import { saveModel } from "../../models/save.js";
import { native } from "../../native/binding.js";
import { tokenizerFromJson } from "../../tokenizers/tokenizer.js";
import { knowledgeAccuracy, type KnowledgeProbe, type KnowledgeReport } from "../../training/knowledge.js";
import { lossCurve, recentLoss } from "../../training/loss-curve.js";
import type { TrainableArch } from "../../training/model-setup.js";
import {
  DEFAULT_HYPERPARAMETERS,
  trainModel,
  type TrainEvent,
  type TrainHyperparameters,
} from "../../training/trainer.js";
import { optionalInt, parseOptions, requireString, UsageError, type Options } from "../args.js";
import { progressBar } from "../progress.js";

const USAGE = `usage: locedit train (--world SEED [--world-subjects N] | --world-spec FILE | --text FILE) --out DIR
       [--arch gpt2|llama] [--layers N] [--dim D] [--heads H] [--ffn F] [--vocab-size V]
       [--steps S] [--batch-size B] [--seq-len T] [--lr LR] [--min-lr-ratio R] [--warmup W]
       [--weight-decay WD] [--clip C] [--seed S] [--checkpoint-every K] [--checkpoint-dir DIR]
       [--resume] [--threads N] [--json]`;

const STRING_OPTIONS = [
  ...[
    "world",
    "world-subjects",
    "world-spec",
    "text",
    "out",
    "arch",
    "layers",
    "dim",
    "heads",
    "ffn",
    "vocab-size",
  ],
  ...["steps", "batch-size", "seq-len", "lr", "min-lr-ratio", "warmup", "weight-decay", "clip", "seed"],
  ...["checkpoint-every", "checkpoint-dir", "threads"],
];

interface Corpus {
  documents: string[];
  probes: KnowledgeProbe[];
  source: Record<string, unknown>;
}

function optionalNumber(values: Record<string, unknown>, name: string, fallback: number, min = 0): number {
  const value = values[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isFinite(n) || n < min)
    throw new UsageError(`--${name} must be a number ≥ ${min}, got ${JSON.stringify(value)}`);
  return n;
}

function loadCorpus(values: Record<string, unknown>): Corpus {
  const sources = ["world", "world-spec", "text"].filter((name) => values[name] !== undefined);
  if (sources.length !== 1)
    throw new UsageError(`give exactly one of --world SEED, --world-spec FILE and --text FILE\n\n${USAGE}`);
  if (values["world-spec"] !== undefined) return loadSpecCorpus(requireString(values, "world-spec", USAGE));
  if (values.text !== undefined) {
    const file = requireString(values, "text", USAGE);
    const text = readTextFile(file, "the training text");
    const documents = text.split(/\r?\n/).filter((line) => line.length > 0);
    if (documents.length === 0) throw new Error(`${file}: no documents (expected one document per line)`);
    const sha256 = createHash("sha256").update(text).digest("hex");
    return { documents, probes: [], source: { kind: "text", file: resolve(file), sha256 } };
  }
  const seed = optionalInt(values, "world", 0);
  const subjects =
    values["world-subjects"] === undefined
      ? undefined
      : optionalInt(values, "world-subjects", 0, MIN_SUBJECTS);
  const world = generateWorld(seed, { subjects });
  return {
    documents: worldTrainingDocuments(world),
    probes: worldKnowledgeProbes(world),
    source: { kind: "world", seed, subjects: world.entities.length, facts: world.facts.length },
  };
}

/** A fact corpus spec: its world, WikiText and real-fact documents and all their probes. */
function loadSpecCorpus(file: string): Corpus {
  const spec = readCorpusSpec(file);
  const corpus = buildFactCorpus(spec);
  for (const note of corpus.notes) process.stderr.write(`locedit train: skipped: ${note}\n`);
  const documents = corpusTrainingDocuments(corpus);
  const sha256 = createHash("sha256").update(documents.join("\n")).digest("hex");
  return {
    documents,
    probes: corpusProbes(corpus),
    source: {
      kind: "world-spec",
      spec_file: file,
      spec,
      subjects: corpus.world.entities.length,
      facts: corpus.world.facts.length,
      real_facts: corpus.real?.facts.length ?? 0,
      documents_by_part: {
        world: corpus.worldDocuments.length,
        wikitext: corpus.wikitextDocuments.length,
        real: corpus.realDocuments.length,
      },
      skipped: corpus.notes,
      sha256,
    },
  };
}

function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 3600
    ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
    : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

/** Progress: a bar on a TTY, otherwise a log line every ~5% of the steps (stderr either way). */
function progressRenderer(steps: number) {
  const bar = progressBar("train"); // off a TTY: its own log lines below
  const tty = process.stderr.isTTY === true;
  const logEvery = Math.max(1, Math.round(steps / 20));
  const line = (text: string) => (tty ? bar.finish(text) : process.stderr.write(`${text}\n`));
  return {
    onEvent(event: TrainEvent) {
      if (event.type === "data")
        line(`data: ${event.examples} examples, ${event.tokens} tokens, vocabulary ${event.vocabSize}`);
      else if (event.type === "resume") line(`resumed from ${event.path} (step ${event.step})`);
      else if (event.type === "checkpoint") line(`checkpoint ${event.path}`);
      else {
        const detail =
          `loss ${event.loss.toFixed(3)} · ${Math.round(event.tokensPerSecond)} tok/s · ` +
          `lr ${event.lr.toExponential(2)} · ETA ${formatDuration(event.etaMs)}`;
        bar.update(event.step, event.totalSteps, detail);
        if (!tty && (event.step % logEvery === 0 || event.step === event.totalSteps))
          line(`step ${event.step}/${event.totalSteps} ${detail}`);
      }
    },
    finish: () => bar.finish(),
  };
}

export async function trainCommand(argv: string[]): Promise<void> {
  const options: Options = { resume: { type: "boolean" }, json: { type: "boolean" } };
  for (const name of STRING_OPTIONS) options[name] = { type: "string" };
  const values = parseOptions(argv, options, USAGE);
  if (values.help) return void console.log(USAGE);
  const commandStarted = performance.now();
  const out = requireString(values, "out", USAGE);
  // A previous training run's folder is replaced at the end; anything else is never overwritten.
  if (existsSync(out) && !existsSync(join(out, "training.json")))
    throw new UsageError(
      `--out ${out} already exists and was not written by locedit train; choose a new folder`,
    );
  const arch = (values.arch ?? "gpt2") as TrainableArch;
  if (arch !== "gpt2" && arch !== "llama")
    throw new UsageError(`--arch must be gpt2 or llama, got ${JSON.stringify(arch)}`);
  const dim = optionalInt(values, "dim", 128, 1);
  const shape = {
    arch,
    layers: optionalInt(values, "layers", 4, 1),
    dim,
    heads: optionalInt(values, "heads", Math.max(1, Math.floor(dim / 32)), 1),
    ffn: optionalInt(values, "ffn", 4 * dim, 1),
  };
  if (dim % shape.heads !== 0)
    throw new UsageError(`--dim ${dim} must be divisible by --heads ${shape.heads}`);
  const steps = optionalInt(values, "steps", DEFAULT_HYPERPARAMETERS.steps, 1);
  const hparams: TrainHyperparameters = {
    ...DEFAULT_HYPERPARAMETERS,
    steps,
    batchSize: optionalInt(values, "batch-size", DEFAULT_HYPERPARAMETERS.batchSize, 1),
    seqLen: optionalInt(values, "seq-len", DEFAULT_HYPERPARAMETERS.seqLen, 2),
    lr: optionalNumber(values, "lr", DEFAULT_HYPERPARAMETERS.lr),
    minLrRatio: optionalNumber(values, "min-lr-ratio", DEFAULT_HYPERPARAMETERS.minLrRatio),
    warmup: optionalInt(values, "warmup", Math.min(DEFAULT_HYPERPARAMETERS.warmup, Math.floor(steps / 10))),
    weightDecay: optionalNumber(values, "weight-decay", DEFAULT_HYPERPARAMETERS.weightDecay),
    clip: optionalNumber(values, "clip", DEFAULT_HYPERPARAMETERS.clip),
  };
  const seed = optionalInt(values, "seed", 0);
  const vocabSize = optionalInt(values, "vocab-size", 2048, 257);
  const checkpointEvery = optionalInt(values, "checkpoint-every", 0);
  const checkpointDir =
    typeof values["checkpoint-dir"] === "string" ? values["checkpoint-dir"] : `${resolve(out)}.checkpoints`;
  if (values.threads !== undefined) native.setNumThreads(optionalInt(values, "threads", 1, 1));
  // every step frees and reallocates its activations: keep the pages instead of faulting in new ones
  native.keepFreedMemory();
  const corpus = loadCorpus(values);

  const progress = progressRenderer(steps);
  const result = trainModel({
    documents: corpus.documents,
    vocabSize,
    shape,
    hparams,
    seed,
    checkpointDir,
    checkpointEvery,
    resume: values.resume === true,
    onEvent: progress.onEvent,
  });
  progress.finish();
  const { model, tokenizer, state } = result;
  const hfTokenizer = tokenizerFromJson(
    JSON.parse(tokenizer.files["tokenizer.json"]),
    JSON.parse(tokenizer.files["tokenizer_config.json"]),
  );
  const knowledge: KnowledgeReport | null =
    corpus.probes.length > 0
      ? knowledgeAccuracy(model, (text) => hfTokenizer.encode(text), corpus.probes, {
          padId: hfTokenizer.padTokenId,
        })
      : null;
  const parameters = model.specs
    .filter((s) => !s.tiedTo)
    .reduce((n, s) => n + model.weight(s.name).length, 0);
  const summary = {
    command: ["locedit", "train", ...argv]
      .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a)))
      .join(" "),
    argv,
    data: { ...corpus.source, documents: corpus.documents.length },
    tokenizer: { vocab_size: tokenizer.encoder.vocabSize, merges: tokenizer.encoder.bpe.merges.length },
    model: { ...shape, max_positions: hparams.seqLen, parameters },
    seed,
    seeds: { init: seed, data_order: seed },
    hyperparameters: hparams,
    checkpoint: {
      every: checkpointEvery,
      dir: checkpointEvery > 0 ? checkpointDir : null,
      resumed_from: result.resumedFrom,
    },
    steps: state.step,
    final_loss: state.losses.at(-1) ?? null,
    final_loss_mean_last_20: recentLoss(state.losses),
    loss_curve: lossCurve(state.losses),
    tokens_seen: state.tokensSeen,
    wall_seconds: state.elapsedMs / 1000,
    command_wall_seconds: (performance.now() - commandStarted) / 1000,
    tokens_per_second: result.tokensPerSecond,
    threads: native.getNumThreads(),
    knowledge,
  };
  saveModel(model, out, {
    overwrite: true,
    extraFiles: { ...tokenizer.files, "training.json": JSON.stringify(summary, null, 2) + "\n" },
  });
  if (values.json) return void console.log(JSON.stringify({ out: resolve(out), ...summary }));
  console.log(`wrote ${out}: ${arch} ${shape.layers}×${dim}, ${(parameters / 1e6).toFixed(2)} M parameters`);
  console.log(
    `${state.step} steps, ${state.tokensSeen} tokens in ${formatDuration(state.elapsedMs)} ` +
      `(${Math.round(result.tokensPerSecond)} tok/s), final loss ${summary.final_loss_mean_last_20.toFixed(4)} (mean of last 20)`,
  );
  if (knowledge)
    for (const split of ["train", "heldout"] as const)
      console.log(
        `knowledge (${split} phrasings): ${knowledge[split].correct}/${knowledge[split].total} = ` +
          `${(100 * knowledge[split].accuracy).toFixed(1)}%` +
          (knowledge[split].tooLong > 0
            ? ` (${knowledge[split].tooLong} longer than --seq-len, counted wrong)`
            : ""),
      );
}
