// The general-capability probes of a run (eval/probes: glue_eval tasks, perplexity, retention),
// read and checked before any edit, then evaluated on the model as it stands: before the first
// batch, after every K-th batch and after the last.
import type { ProbeSpec, LoadedProbe, ProbeResult } from "../eval/probes/run-probe.js";
import { loadProbe, parseProbeArgument, runProbe } from "../eval/probes/run-probe.js";
import type { CausalLM } from "../models/causal-lm.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";
import type { ExperimentSettings } from "./types.js";

/** The probes of the settings, files read and validated (errors name the flag, file, row and field). */
export function loadRunProbes(s: ExperimentSettings): LoadedProbe[] {
  const specs: ProbeSpec[] = s.probes.map((arg) => ({
    ...parseProbeArgument(arg),
    start: s.probeStart,
    limit: s.probeLimit ?? Infinity,
  }));
  const repeated = specs.find((p, i) => specs.findIndex((q) => q.task === p.task) !== i);
  if (repeated) throw new Error(`--probe ${repeated.task} is given twice; one file per task`);
  return specs.map(loadProbe);
}

/** Whether probes run after batch `k` of `batches` when they run every `every` batches. */
export function probesDue(k: number, batches: number, every: number): boolean {
  return k === 0 || k % every === 0 || k === batches;
}

export function evaluateProbes(
  probes: readonly LoadedProbe[],
  model: CausalLM,
  tokenizer: Tokenizer,
  options: { batchRows: number; onProgress?: (task: string, done: number, total: number) => void },
): Record<string, ProbeResult> {
  const out: Record<string, ProbeResult> = {};
  for (const probe of probes)
    out[probe.spec.task] = runProbe(probe, model, tokenizer, {
      batchRows: options.batchRows,
      onProgress: (done, total) => options.onProgress?.(probe.spec.task, done, total),
    });
  return out;
}
