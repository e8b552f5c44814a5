// Finding the hyperparameters for an edit: an explicit file, a file beside the model, a shipped
// file for a recognised model (hparams/<method>/<model>[-blue].json, values from kmeng01/rome,
// kmeng01/memit, xpq-tech/PMET, jianghoucheng/AlphaEdit, xpq-tech/BLUE and zjunlp/EasyEdit — see
// hparams/README.md),
// or derived defaults; then checked against the model's shape.
import { existsSync } from "node:fs";
import { readTextFile } from "../../io/fs-errors.js";
import { join } from "node:path";
import { parseJsonText } from "../../io/json-text.js";
import type { ModelConfig } from "../../models/config.js";
import { packageRoot } from "../../util/package-root.js";
import { deriveHparams, type KeyStatsSource } from "./derive.js";
import { checkHparamsAgainstModel } from "./model-check.js";
import { defaultedFields, parseHparams } from "./schema.js";
import type { EditHparams, EditMethod, ResolvedHparams } from "./types.js";

/** Models with shipped hyperparameter files, by the name used in their file names. */
export type ShippedModel = "gpt2-xl" | "gpt-j-6b" | "llama3-8b" | "qwen2.5-7b" | "mistral-7b" | "llama3.2-3b";

/** The BLUE paper's models: a file for every method, and a BLUE file for all but ROME. */
export const PAPER_MODELS: readonly ShippedModel[] = ["gpt2-xl", "gpt-j-6b", "llama3-8b"];

/** Every recognised model; the later three have EasyEdit's MEMIT files (Qwen2.5-7B also AlphaEdit). */
export const SHIPPED_MODELS: readonly ShippedModel[] = [
  ...PAPER_MODELS,
  "qwen2.5-7b",
  "mistral-7b",
  "llama3.2-3b",
];

/**
 * The shipped model whose shape `config` has, or undefined: GPT2-XL (gpt2, 48 layers, d 1600),
 * GPT-J-6B (gptj, 28, 4096), Llama-3-8B (llama, 32, 4096, vocab 128256, d_ff 14336; Llama-3.1-8B
 * has the same shape and is recognised too; Llama-2-7B's vocab of 32000 is not), Llama-3.2-3B
 * (llama, 28, 3072, vocab 128256, d_ff 8192), Qwen2.5-7B (qwen2, 28, 3584, vocab 152064, d_ff
 * 18944) and Mistral-7B (mistral, 32, 4096, d_ff 14336, vocab 32000 for v0.1/v0.2, 32768 for v0.3).
 */
export function recognizeModel(config: ModelConfig): ShippedModel | undefined {
  const { arch, numLayers, hiddenSize } = config;
  if (arch === "gpt2" && numLayers === 48 && hiddenSize === 1600) return "gpt2-xl";
  if (arch === "gptj" && numLayers === 28 && hiddenSize === 4096) return "gpt-j-6b";
  if (arch !== "llama") return undefined;
  const shape = `${config.family} ${numLayers} ${hiddenSize} ${config.intermediateSize} ${config.vocabSize}`;
  const known: Record<string, ShippedModel> = {
    "llama 32 4096 14336 128256": "llama3-8b",
    "llama 28 3072 8192 128256": "llama3.2-3b",
    "qwen2 28 3584 18944 152064": "qwen2.5-7b",
    "mistral 32 4096 14336 32000": "mistral-7b",
    "mistral 32 4096 14336 32768": "mistral-7b",
  };
  return known[shape];
}

/** The package's hparams/ folder. */
export function shippedHparamsDir(): string {
  const dir = join(packageRoot(), "hparams");
  if (!existsSync(dir)) throw new Error(`locedit: the shipped hparams/ folder was not found at ${dir}`);
  return dir;
}

/** File name of a method's hyperparameters: `<model>.json`, or `<model>-blue.json` for BLUE. */
function fileName(model: string, blue: boolean): string {
  return `${model}${blue ? "-blue" : ""}.json`;
}

/** Path of the shipped file for (method, model, BLUE?), or undefined when none is shipped. */
export function shippedHparamsFile(
  method: EditMethod,
  modelName: string,
  options: { blue?: boolean } = {},
): string | undefined {
  const path = join(shippedHparamsDir(), method, fileName(modelName, options.blue ?? false));
  return existsSync(path) ? path : undefined;
}

/** Reads and validates a hyperparameter file for `method`. */
export function loadHparams(method: EditMethod, file: string): EditHparams {
  return readHparams(method, file).hparams;
}

function readHparams(
  method: EditMethod,
  file: string,
): { hparams: EditHparams; defaulted: Record<string, string> } {
  const text = readTextFile(file, "the hyperparameter file");
  const json = parseJsonText(text, file);
  const hparams = parseHparams(method, json, file);
  const defaulted =
    typeof json === "object" && json !== null ? defaultedFields(method, json as Record<string, unknown>) : {};
  return { hparams, defaulted };
}

export interface ResolveOptions {
  method: EditMethod;
  /** BLUE on or off; undefined keeps the file's value (derived defaults: off) */
  blue?: boolean;
  /** use this file; otherwise <modelDir>/hparams/<method>[-blue].json, a shipped file, or derived defaults */
  hparamsFile?: string;
  /** the model's folder (a model may carry its own hparams/<method>[-blue].json) */
  modelDir: string;
  config: ModelConfig;
  /** key statistics for derived defaults (see deriveHparams) */
  stats?: KeyStatsSource;
  /**
   * For derived defaults without `stats`: computes the key statistics from the hyperparameters
   * chosen so far (their layers, fact_token and templates do not depend on the statistics), e.g.
   * from the first batch's keys; called at most once, never for ROME (whose solve has no λ).
   */
  keyStatsFor?: (hparams: EditHparams) => KeyStatsSource;
  /** fields the caller sets over the file's or the derived values (each recorded as "set by the caller") */
  overrides?: Partial<EditHparams>;
  /** names the overrides in errors and warnings (default "caller overrides") */
  overridesSource?: string;
}

/** The explicit file, else the model's own, else the shipped one for a recognised model. */
function chooseFile(options: ResolveOptions, blue: boolean): string | undefined {
  if (options.hparamsFile !== undefined) return options.hparamsFile;
  const local = join(options.modelDir, "hparams", fileName(options.method, blue));
  if (existsSync(local)) return local;
  const model = recognizeModel(options.config);
  return model === undefined ? undefined : shippedHparamsFile(options.method, model, { blue });
}

/**
 * The one resolution step of an edit's hyperparameters: the file (explicit, beside the model, or
 * shipped) or derived defaults — with λ (and a small model's AlphaEdit L2) scaled to the key
 * statistics when derived — then the caller's BLUE choice and overrides, then the checks against
 * the model. `derivation` says where each non-file value came from.
 */
export function resolveHparams(options: ResolveOptions): ResolvedHparams {
  const { config } = options;
  const blue = options.blue ?? false;
  const file = chooseFile(options, blue);

  let resolved = file === undefined ? derivedHparams(options, blue) : fileHparams(options, file);
  resolved = withOverrides(resolved, options);
  const warnings = checkHparamsAgainstModel(resolved.hparams, config, resolved.source);
  if (warnings.length > 0) resolved.warnings = warnings;
  return resolved;
}

/** Derived defaults; with `keyStatsFor`, the statistics are computed from the unscaled choice first. */
function derivedHparams(options: ResolveOptions, blue: boolean): ResolvedHparams {
  const { method, config } = options;
  let stats = options.stats;
  if (stats === undefined && options.keyStatsFor && method !== "rome") {
    const unscaled = withOverrides(
      { method, hparams: deriveHparams(method, config, { blue }).hparams, source: "derived" },
      options,
    );
    stats = options.keyStatsFor(unscaled.hparams);
  }
  const derived = deriveHparams(method, config, { blue, stats });
  return { method, hparams: derived.hparams, source: "derived", derivation: derived.derivation };
}

function fileHparams(options: ResolveOptions, file: string): ResolvedHparams {
  const { method } = options;
  const { hparams, defaulted } = readHparams(method, file);
  const derivation: Record<string, string> = { ...defaulted };
  let h = hparams;
  if (options.blue !== undefined && options.blue !== h.blue) {
    h = parseHparams(method, { ...h, blue: options.blue }, `${file} with blue = ${options.blue}`);
    derivation.blue = `set to ${options.blue} by the caller (the file says ${!options.blue})`;
  }
  const resolved: ResolvedHparams = { method, hparams: h, source: file };
  if (Object.keys(derivation).length > 0) resolved.derivation = derivation;
  return resolved;
}

/** The caller's field overrides on top, validated again, each recorded as set by the caller. */
function withOverrides(resolved: ResolvedHparams, options: ResolveOptions): ResolvedHparams {
  const overrides = options.overrides;
  if (overrides === undefined || Object.keys(overrides).length === 0) return resolved;
  const source = options.overridesSource ?? "caller overrides";
  return {
    ...resolved,
    hparams: parseHparams(resolved.method, { ...resolved.hparams, ...overrides }, source),
    derivation: {
      ...resolved.derivation,
      ...Object.fromEntries(Object.keys(overrides).map((k) => [k, "set by the caller"])),
    },
  };
}
