// What every weight-shift diagnostic shares (BLUE, Li et al., arXiv 2502.03748, §3): the method's
// layer family (where δ lives, which residual, how it is spread, the layer solve), the critical
// layers l₁ … L of its resolved hyperparameters (the distributed variant) and the BLUE variant, the
// edited records as prepared requests, the records held out (never edited), and the statistics.
import type { CounterFactRecord } from "../data/counterfact/record.js";
import { computeKeys } from "../editing/compute-ks.js";
import { LayerStatistics, type StatisticsSource } from "../editing/editor/statistics.js";
import { resolveHparams } from "../editing/hparams/resolve.js";
import { parseHparams } from "../editing/hparams/schema.js";
import type { KeyStats } from "../editing/hparams/derive.js";
import type { EditHparams, ResolvedHparams } from "../editing/hparams/types.js";
import { ALPHAEDIT_FAMILY } from "../editing/methods/alphaedit/alphaedit.js";
import { AlphaEditState } from "../editing/methods/alphaedit/state.js";
import type { LayerFamily } from "../editing/methods/layer-family.js";
import { MEMIT_FAMILY } from "../editing/methods/memit/memit.js";
import { PMET_FAMILY } from "../editing/methods/pmet/pmet.js";
import type { MethodContext } from "../editing/methods/types.js";
import { sampleContextTemplates } from "../editing/prepare/context-templates.js";
import { checkPrepared, type PreparedRequest } from "../editing/prepare/prepared-request.js";
import { prepareRequests } from "../editing/prepare/prepare-requests.js";
import { parseRequests } from "../editing/requests/index.js";
import type { CausalLM } from "../models/causal-lm.js";
import type { Tokenizer } from "../tokenizers/tokenizer.js";

/** The methods whose residual distribution BLUE analyses. */
export type DiagnosedMethod = "memit" | "pmet" | "alphaedit";
export const DIAGNOSED_METHODS: readonly DiagnosedMethod[] = ["memit", "pmet", "alphaedit"];

export const FAMILIES: Record<DiagnosedMethod, LayerFamily> = {
  memit: MEMIT_FAMILY,
  pmet: PMET_FAMILY,
  alphaedit: ALPHAEDIT_FAMILY,
};

export interface DiagnoseProgress {
  stage: string;
  layer?: number;
  done?: number;
  total?: number;
}

export interface DiagnoseSetupOptions {
  method: DiagnosedMethod;
  /** a hyperparameter file (default: the model's own, a shipped one, or derived defaults) */
  hparams?: string;
  /** fields set over the resolved hyperparameters (e.g. a one-layer window in a test) */
  overrides?: Partial<EditHparams>;
  /** where C0 comes from, or C0 itself per layer */
  stats: StatisticsSource | ((layer: number) => Float64Array);
  /** records edited (default 100, or all but one when fewer) */
  count?: number;
  /** records held out for the hidden-state shift (default: up to `count` of those after the edited ones) */
  heldOut?: number;
  /** seed of the context templates (default 0) */
  seed?: number;
  /** context templates instead of sampling them (first group ["{}"]) */
  contextTemplates?: string[][];
  onProgress?: (event: DiagnoseProgress) => void;
}

export interface DiagnosticsContext {
  model: CausalLM;
  tokenizer: Tokenizer;
  modelDir: string;
  method: DiagnosedMethod;
  family: LayerFamily;
  resolved: ResolvedHparams;
  /** the distributed method's hyperparameters (blue off) */
  hparams: EditHparams;
  /** the same method with BLUE (its own file when the model or locedit ships one); null for a one-layer window */
  blueResolved: ResolvedHparams | null;
  /** critical layers l₁ … L */
  layers: number[];
  last: number;
  records: CounterFactRecord[];
  heldOut: CounterFactRecord[];
  templates: string[][];
  requests: PreparedRequest[];
  covariance(layer: number): Float64Array;
  onProgress?: (event: DiagnoseProgress) => void;
}

/** A method context over `hparams`, with AlphaEdit's projectors and cache_c from `state`. */
export function methodContext(
  d: DiagnosticsContext,
  hparams: EditHparams,
  state: AlphaEditState | null,
): MethodContext {
  return {
    model: d.model,
    hparams,
    covariance: (layer) => d.covariance(layer),
    ...(state
      ? {
          projector: (layer: number) => state.projector(layer),
          cachedKeyGram: (layer: number) => state.cachedKeyGram(layer),
        }
      : {}),
  };
}

/** A fresh AlphaEdit state (zero cache_c) for `hparams`, or null for the other methods. */
export function freshState(d: DiagnosticsContext, hparams: EditHparams): AlphaEditState | null {
  return d.method === "alphaedit"
    ? new AlphaEditState((layer) => d.covariance(layer), hparams.nullspace_threshold)
    : null;
}

function resolveFor(
  model: CausalLM,
  modelDir: string,
  options: DiagnoseSetupOptions,
  blue: boolean,
  stats?: Map<number, KeyStats>,
): ResolvedHparams {
  const resolved = resolveHparams({
    method: options.method,
    blue,
    hparamsFile: options.hparams,
    modelDir,
    config: model.config,
    stats,
  });
  const overrides = options.overrides ?? {};
  if (Object.keys(overrides).length > 0) {
    resolved.hparams = parseHparams(options.method, { ...resolved.hparams, ...overrides, blue }, "overrides");
    resolved.derivation = {
      ...resolved.derivation,
      ...Object.fromEntries(Object.keys(overrides).map((k) => [k, "set by the caller"])),
    };
  }
  const lastLayer = model.numLayers - 1;
  if (resolved.hparams.v_loss_layer !== lastLayer)
    throw new Error(
      `${resolved.source}: field "v_loss_layer" = ${resolved.hparams.v_loss_layer}: locedit's compute_z reads the ` +
        `prediction at the model's last layer (${lastLayer})`,
    );
  return resolved;
}

/** Key statistics of the requests at `layers` (derived λ is scaled to them, as the Editor does). */
function keyStats(
  model: CausalLM,
  requests: readonly PreparedRequest[],
  layers: readonly number[],
  covariance: (layer: number) => Float64Array,
): Map<number, KeyStats> {
  const stats = new Map<number, KeyStats>();
  for (const layer of layers) {
    const keys = computeKeys(model, requests, layer);
    let sq = 0;
    for (let i = 0; i < keys.length; i++) sq += keys[i] * keys[i];
    const c = covariance(layer);
    const F = Math.round(Math.sqrt(c.length));
    let trace = 0;
    for (let i = 0; i < F; i++) trace += c[i * F + i];
    stats.set(layer, { meanKeyNormSq: sq / requests.length, traceC: trace });
  }
  return stats;
}

/** Resolves the hyperparameters, splits the records, samples templates, prepares requests, loads C0. */
export async function setupDiagnostics(
  model: CausalLM,
  tokenizer: Tokenizer,
  modelDir: string,
  allRecords: readonly CounterFactRecord[],
  options: DiagnoseSetupOptions,
): Promise<DiagnosticsContext> {
  const { method } = options;
  if (!DIAGNOSED_METHODS.includes(method))
    throw new Error(`diagnose: method must be one of ${DIAGNOSED_METHODS.join(", ")}, got '${method}'`);
  if (allRecords.length < 2)
    throw new Error(
      `diagnose needs at least 2 records (edited ones and held-out ones), got ${allRecords.length}`,
    );
  const count = options.count ?? Math.min(100, allRecords.length - 1);
  if (!(Number.isInteger(count) && count >= 1 && count < allRecords.length))
    throw new Error(
      `diagnose: count ${count} must leave at least one of the ${allRecords.length} records unedited ` +
        `for the hidden-state shift (at most ${allRecords.length - 1})`,
    );
  const heldOutCount = Math.min(options.heldOut ?? count, allRecords.length - count);
  if (!(Number.isInteger(heldOutCount) && heldOutCount >= 1))
    throw new Error(`diagnose: held-out count must be an integer ≥ 1, got ${options.heldOut}`);
  const records = allRecords.slice(0, count);
  const heldOut = allRecords.slice(count, count + heldOutCount);
  let resolved = resolveFor(model, modelDir, options, false);
  const statistics =
    typeof options.stats === "function"
      ? null
      : new LayerStatistics(model, tokenizer, modelDir, options.stats);
  const covariance =
    typeof options.stats === "function" ? options.stats : (layer: number) => statistics!.covariance(layer);
  const progress = options.onProgress;
  if (statistics)
    await statistics.ensure(resolved.hparams.layers, (p) =>
      progress?.({ stage: "statistics", layer: p.layer, done: p.done, total: p.total }),
    );
  progress?.({ stage: "templates" });
  const templates =
    options.contextTemplates ??
    sampleContextTemplates(model, tokenizer, {
      lengthParams: resolved.hparams.context_template_length_params,
      style: "memit",
      seed: options.seed ?? 0,
    });
  const editRequests = parseRequests(records, "diagnose records");
  const requests = prepareRequests(tokenizer, editRequests, templates, resolved.hparams.fact_token);
  requests.forEach((p, i) => checkPrepared(p, i, model.config.vocabSize));
  const stats =
    resolved.source === "derived"
      ? keyStats(model, requests, resolved.hparams.layers, covariance)
      : undefined;
  if (stats) resolved = resolveFor(model, modelDir, options, false, stats);
  const layers = resolved.hparams.layers;
  const blueResolved = layers.length < 2 ? null : resolveFor(model, modelDir, options, true, stats);
  if (statistics && blueResolved) await statistics.ensure(blueResolved.hparams.layers);
  return {
    model,
    tokenizer,
    modelDir,
    method,
    family: FAMILIES[method],
    resolved,
    hparams: resolved.hparams,
    blueResolved,
    layers,
    last: layers[layers.length - 1],
    records,
    heldOut,
    templates,
    requests,
    covariance,
    onProgress: progress,
  };
}
