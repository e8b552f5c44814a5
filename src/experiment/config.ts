// config.json of a run: the full resolved configuration (settings, model fingerprint, records,
// hyperparameters and their source, whether the key history is used, the context templates, the
// command line that reproduces it) — and the check that a resumed run was given the same settings.
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { LOCEDIT_VERSION, type Editor } from "../editing/editor/editor.js";
import { writeFileAtomic } from "../io/atomic.js";
import { parseJsonText } from "../io/json-text.js";
import type { ProbeSpec } from "../eval/probes/run-probe.js";
import type { ExperimentRecords } from "./records.js";
import { SETTING_FLAGS, type ExperimentSettings, type RunConfig } from "./types.js";

export function configPath(runDir: string): string {
  return join(runDir, "config.json");
}

/** The settings with every path made absolute (so a resumed run is compared by what it names). */
export function absoluteSettings(s: ExperimentSettings): ExperimentSettings {
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(p));
  const probe = (arg: string) => {
    const at = arg.indexOf("=");
    return at < 0 ? arg : `${arg.slice(0, at)}=${abs(arg.slice(at + 1))}`;
  };
  return {
    ...s,
    model: abs(s.model),
    records: abs(s.records),
    probes: s.probes.map(probe),
    hparams: s.hparams === null ? null : abs(s.hparams),
    stats: abs(s.stats),
    corpus: s.corpus.map(abs),
    snippets: s.snippets === null ? null : abs(s.snippets),
    tfidfVocab: s.tfidfVocab === null ? null : abs(s.tfidfVocab),
    idf: s.idf === null ? null : abs(s.idf),
    tfidfCorpus: s.tfidfCorpus.map(abs),
  };
}

const show = (value: unknown) =>
  value === null ? "(not given)" : Array.isArray(value) ? value.join(" ") || "(none)" : String(value);

/** Throws, naming the flag, unless `given` equals the settings the run in `runDir` began with. */
export function checkSameSettings(
  runDir: string,
  saved: ExperimentSettings,
  given: ExperimentSettings,
): void {
  for (const key of Object.keys(SETTING_FLAGS) as (keyof ExperimentSettings)[])
    if (JSON.stringify(saved[key]) !== JSON.stringify(given[key]))
      throw new Error(
        `${runDir} holds a run started with ${SETTING_FLAGS[key]} ${show(saved[key])}, not ${show(given[key])}: ` +
          "resume it with the flags it began with (its config.json has the command), or choose another --out",
      );
}

/** Reads a run's config.json (errors name the file). */
export function readRunConfig(runDir: string): RunConfig {
  const path = configPath(runDir);
  if (!existsSync(path)) throw new Error(`${runDir}: not an experiment run folder (no config.json)`);
  const config = parseJsonText(readFileSync(path, "utf8"), path) as RunConfig;
  if (typeof config !== "object" || config === null || typeof config.settings !== "object")
    throw new Error(`${path}: field "settings" must be an object (is this a locedit experiment run?)`);
  return config;
}

export interface ConfigInputs {
  settings: ExperimentSettings;
  command: string;
  editor: Editor;
  fingerprint: string;
  records: ExperimentRecords;
  recordsSha256: string;
  probes: ProbeSpec[];
  evalEvery: number;
  batches: number;
  consistency: boolean;
}

export function buildRunConfig(inputs: ConfigInputs, created = new Date().toISOString()): RunConfig {
  const { settings: s, editor, records } = inputs;
  const c = editor.model.config;
  const r = editor.resolved;
  return {
    locedit_version: LOCEDIT_VERSION,
    command: inputs.command,
    created,
    settings: s,
    model: {
      dir: s.model,
      fingerprint: inputs.fingerprint,
      architecture: c.arch,
      layers: c.numLayers,
      hidden_size: c.hiddenSize,
      intermediate_size: c.intermediateSize,
      max_positions: c.maxPositions,
    },
    records: {
      file: s.records,
      sha256: inputs.recordsSha256,
      format: s.format,
      available: records.available,
      case_ids: records.requests.map((q) => q.id ?? ""),
    },
    method: editor.method,
    blue: editor.hparams.blue && editor.method !== "rome",
    variant: s.variant,
    key_history: editor.method === "alphaedit" || s.variant === "seq",
    updated_layers: editor.updatedLayers,
    batches: inputs.batches,
    hparams: r.hparams,
    hparams_source: r.source,
    ...(r.derivation ? { hparams_derivation: r.derivation } : {}),
    ...(r.warnings ? { hparams_warnings: r.warnings } : {}),
    context_templates: editor.contextTemplates(),
    statistics: { dir: s.stats, corpus: s.corpus, samples: s.samples },
    eval_every: inputs.evalEvery,
    probes: inputs.probes.map((p) => ({
      task: p.task,
      file: p.file,
      start: p.start ?? 0,
      limit: p.limit === undefined || p.limit === Infinity ? null : p.limit,
    })),
    evaluation: {
      fluency: !s.skipGeneration && s.format === "counterfact",
      wild: true,
      consistency: inputs.consistency
        ? {
            snippets: s.snippets!,
            vectorizer: s.tfidfVocab ? `${s.tfidfVocab} + ${s.idf}` : `fitted on ${s.tfidfCorpus.join(", ")}`,
          }
        : null,
      batch_rows: s.batchRows,
    },
  };
}

export function writeRunConfig(runDir: string, config: RunConfig): void {
  writeFileAtomic(configPath(runDir), JSON.stringify(config, null, 2) + "\n");
}
