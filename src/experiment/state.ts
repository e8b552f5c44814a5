// RUN/state/: what a killed experiment needs to continue from its last finished batch, saved
// atomically after every batch. progress.json (replaced by rename) names the tensor file of the
// batch it counts, so a kill at any moment leaves either the old pair or the new one:
//   progress.json                 counts (batches, edits, probe evaluations, seconds), the resolved
//                                 hyperparameters, the context templates and the edit history
//   batch-<k>.safetensors         ΣΔW of each edited weight (F32) and Σ K_pK_pᵀ per layer (F64:
//                                 AlphaEdit's cache_c or the seq variant's key history)
//   projectors.safetensors        AlphaEdit's null-space projectors (F64), written once
// Nothing random runs between batches: the record draw and the context templates (the only seeded
// draws before the first batch) are in config.json, and a batch is a deterministic function of the
// weights, the key Grams and the templates.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import type { EditorState } from "../editing/editor/editor.js";
import type { EditLog } from "../editing/editor/edit-log.js";
import type { AccumulatedDelta } from "../editing/editor/edited-weights.js";
import type { ResolvedHparams } from "../editing/hparams/types.js";
import { writeFileAtomic } from "../io/atomic.js";
import { parseJsonText } from "../io/json-text.js";
import { openSafetensors } from "../io/safetensors-read.js";
import { writeSafetensors, type TensorsToWrite } from "../io/safetensors-write.js";

export const STATE_VERSION = 1;

/** state/progress.json */
export interface RunProgress {
  version: number;
  batches_done: number;
  edits_done: number;
  /** lines of probes.jsonl this state counts */
  probe_evaluations: number;
  /** wall seconds spent on the run so far, over every session */
  seconds: number;
  tensors: string | null;
  projectors: string | null;
  resolved: ResolvedHparams;
  context_templates: string[][];
  history: EditLog[];
}

export type ProgressCounts = Pick<
  RunProgress,
  "batches_done" | "edits_done" | "probe_evaluations" | "seconds"
>;

export function stateDir(runDir: string): string {
  return join(runDir, "state");
}

const PROJECTORS = "projectors.safetensors";

/** Saves the state after a batch (or before the first, with no tensors). */
export function saveRunState(runDir: string, counts: ProgressCounts, editor: EditorState): void {
  const dir = stateDir(runDir);
  mkdirSync(dir, { recursive: true });
  let tensors: string | null = null;
  if (editor.deltas.size > 0 || editor.keyGrams.size > 0) {
    tensors = `batch-${String(counts.batches_done).padStart(6, "0")}.safetensors`;
    const data: TensorsToWrite = {};
    for (const [name, d] of editor.deltas)
      data[`delta.${name}`] = { dtype: "F32", shape: [d.rows, d.cols], data: d.data };
    for (const [layer, g] of editor.keyGrams) data[`key_gram.${layer}`] = square(g);
    writeSafetensors(join(dir, tensors), data, { batches_done: String(counts.batches_done) });
  }
  let projectors: string | null = null;
  if (editor.projectors.size > 0) {
    projectors = PROJECTORS;
    const have = existsSync(join(dir, PROJECTORS)) ? openSafetensors(join(dir, PROJECTORS)) : null;
    const complete = have !== null && [...editor.projectors.keys()].every((l) => have.has(`projector.${l}`));
    have?.close();
    if (!complete) {
      const data: TensorsToWrite = {};
      for (const [layer, p] of editor.projectors) data[`projector.${layer}`] = square(p);
      writeSafetensors(join(dir, PROJECTORS), data);
    }
  }
  const progress: RunProgress = {
    version: STATE_VERSION,
    ...counts,
    tensors,
    projectors,
    resolved: editor.resolved,
    context_templates: editor.contextTemplates,
    history: editor.history,
  };
  writeFileAtomic(join(dir, "progress.json"), JSON.stringify(progress) + "\n");
  // Older batch files and temporary files of a killed write are no longer referenced.
  for (const file of readdirSync(dir))
    if (file !== "progress.json" && file !== tensors && file !== projectors)
      rmSync(join(dir, file), { force: true });
}

function square(values: Float64Array) {
  const n = Math.round(Math.sqrt(values.length));
  return { dtype: "F64" as const, shape: [n, n], data: values };
}

/** The saved state, or null when the run has saved none yet. */
export function loadRunState(runDir: string): { progress: RunProgress; editor: EditorState } | null {
  const dir = stateDir(runDir);
  const path = join(dir, "progress.json");
  if (!existsSync(path)) return null;
  const progress = parseJsonText(readFileSync(path, "utf8"), path) as RunProgress;
  if (progress.version !== STATE_VERSION || !Number.isInteger(progress.batches_done))
    throw new Error(`${path}: not a locedit run state of version ${STATE_VERSION}`);
  const deltas = new Map<string, AccumulatedDelta>();
  const keyGrams = new Map<number, Float64Array>();
  const projectors = new Map<number, Float64Array>();
  if (progress.tensors !== null) {
    const file = openSafetensors(join(dir, progress.tensors));
    try {
      for (const name of file.names()) {
        const shape = file.info(name).shape;
        if (name.startsWith("delta."))
          deltas.set(name.slice(6), { rows: shape[0], cols: shape[1], data: file.readFloat32(name) });
        else if (name.startsWith("key_gram.")) keyGrams.set(Number(name.slice(9)), readFloat64(file, name));
      }
    } finally {
      file.close();
    }
  }
  if (progress.projectors !== null) {
    const file = openSafetensors(join(dir, progress.projectors));
    try {
      for (const name of file.names())
        projectors.set(Number(name.slice("projector.".length)), readFloat64(file, name));
    } finally {
      file.close();
    }
  }
  const editor: EditorState = {
    resolved: progress.resolved,
    contextTemplates: progress.context_templates,
    history: progress.history,
    deltas,
    keyGrams,
    projectors,
  };
  return { progress, editor };
}

function readFloat64(file: ReturnType<typeof openSafetensors>, name: string): Float64Array {
  if (file.info(name).dtype !== "F64") throw new Error(`${file.path}: tensor '${name}' must be F64`);
  const bytes = file.readBytes(name);
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
}
