// Training checkpoints: every `checkpointEvery` steps a folder `step-NNNNNNNN/` is published
// atomically (built under a temporary name, then renamed) holding
//   model/                  the Hugging Face folder (saveModel) with the tokenizer files,
//   optimizer.safetensors   AdamW's m.<param> and v.<param> (F32, exact),
//   trainer_state.json      step, tokens seen, the loss of every step, elapsed time, and the
//                           run's fingerprint (everything that determines the trajectory).
// The data order is a function of (seed, step) (data.ts), so the step is the whole "rng position".
// Only the newest `keep` checkpoints are kept.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { publishDirectoryAtomicSync, writeFileAtomic } from "../io/atomic.js";
import { openSafetensors } from "../io/safetensors-read.js";
import { writeSafetensors, type TensorsToWrite } from "../io/safetensors-write.js";
import type { CausalLM } from "../models/causal-lm.js";
import { loadModel } from "../models/load.js";
import { saveModel } from "../models/save.js";
import type { AdamW } from "./adamw.js";

export interface TrainerState {
  /** updates made */
  step: number;
  /** next-token targets trained on */
  tokensSeen: number;
  /** loss of each step so far */
  losses: number[];
  /** training wall time so far, in milliseconds, across resumed segments */
  elapsedMs: number;
  /** what must match for a resume to continue the same run */
  fingerprint: Record<string, unknown>;
}

const STEP_DIR = /^step-(\d{8})$/;
export const OPTIMIZER_FILE = "optimizer.safetensors";
export const STATE_FILE = "trainer_state.json";

export function checkpointPath(dir: string, step: number): string {
  return join(dir, `step-${String(step).padStart(8, "0")}`);
}

export function saveTrainingCheckpoint(
  dir: string,
  checkpoint: {
    model: CausalLM;
    optimizer: AdamW;
    state: TrainerState;
    tokenizerFiles: Record<string, string>;
  },
  keep = 2,
): string {
  const { model, optimizer, state } = checkpoint;
  const target = checkpointPath(dir, state.step);
  publishDirectoryAtomicSync(
    target,
    (staging) => {
      saveModel(model, join(staging, "model"), { extraFiles: checkpoint.tokenizerFiles });
      const tensors: TensorsToWrite = {};
      for (const { name } of optimizer.tensors) {
        const m = optimizer.m.get(name)!;
        tensors[`m.${name}`] = { dtype: "F32", shape: [m.length], data: m };
        tensors[`v.${name}`] = { dtype: "F32", shape: [m.length], data: optimizer.v.get(name)! };
      }
      writeSafetensors(join(staging, OPTIMIZER_FILE), tensors, { step: String(optimizer.step) });
      writeFileAtomic(join(staging, STATE_FILE), JSON.stringify(state) + "\n");
    },
    { overwrite: true },
  ); // a run restarted without --resume rewrites its own step folders
  for (const old of listCheckpoints(dir).slice(0, -keep)) rmSync(old.path, { recursive: true, force: true });
  return target;
}

/** Checkpoint folders of `dir`, oldest first. */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((name) => ({ match: STEP_DIR.exec(name), name }))
    .filter(({ match, name }) => match && existsSync(join(dir, name, STATE_FILE)))
    .map(({ match, name }) => ({ step: Number(match![1]), path: join(dir, name) }))
    .sort((a, b) => a.step - b.step);
}

export function latestCheckpoint(dir: string): string | null {
  return listCheckpoints(dir).at(-1)?.path ?? null;
}

export interface LoadedCheckpoint {
  model: CausalLM;
  state: TrainerState;
  tokenizerJson: string;
  /** fills an optimizer built for the same model with the saved moments and step */
  restoreOptimizer(optimizer: AdamW): void;
}

export function loadTrainingCheckpoint(path: string): LoadedCheckpoint {
  const state = JSON.parse(readFileSync(join(path, STATE_FILE), "utf8")) as TrainerState;
  const model = loadModel(join(path, "model"));
  const tokenizerJson = readFileSync(join(path, "model", "tokenizer.json"), "utf8");
  const restoreOptimizer = (optimizer: AdamW) => {
    const file = openSafetensors(join(path, OPTIMIZER_FILE));
    try {
      for (const { name } of optimizer.tensors) {
        for (const [prefix, moments] of [
          ["m", optimizer.m],
          ["v", optimizer.v],
        ] as const) {
          const into = moments.get(name)!;
          const key = `${prefix}.${name}`;
          if (!file.has(key) || file.info(key).shape[0] !== into.length)
            throw new Error(`${file.path}: tensor '${key}' is missing or not of length ${into.length}`);
          file.readFloat32(key, into);
        }
      }
      optimizer.step = Number(file.metadata.step);
      if (optimizer.step !== state.step)
        throw new Error(
          `${file.path}: optimizer step ${file.metadata.step} differs from the trainer state's ${state.step}`,
        );
    } finally {
      file.close();
    }
  };
  return { model, state, tokenizerJson, restoreOptimizer };
}

/** Throws naming the first field (dotted path) where a checkpoint's fingerprint differs from this run's. */
export function checkFingerprint(saved: unknown, current: unknown, path: string, field = ""): void {
  const isObject = (x: unknown): x is Record<string, unknown> =>
    typeof x === "object" && x !== null && !Array.isArray(x);
  if (isObject(saved) && isObject(current)) {
    for (const key of new Set([...Object.keys(saved), ...Object.keys(current)]))
      checkFingerprint(saved[key], current[key], path, field ? `${field}.${key}` : key);
    return;
  }
  const [a, b] = [JSON.stringify(saved), JSON.stringify(current)];
  if (a !== b)
    throw new Error(`${path}: cannot resume: '${field}' was ${a} in the checkpoint but is ${b} in this run`);
}
