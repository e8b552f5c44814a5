// Derived default hyperparameters for a model no shipped file describes. The critical window
// follows the published ones (kmeng01/memit: GPT2-XL 13–17 of 48, GPT-J 3–8 of 28; AlphaEdit and
// BLUE (Li et al., arXiv 2502.03748): Llama3-8B 4–8 of 32), λ is matched to the model's key scale
// when statistics are given, and everything else is the method's published default.
import type { ModelConfig } from "../../models/config.js";
import { DEFAULTS_SOURCE, defaultReason, methodDefaults } from "./defaults.js";
import { parseHparams } from "./schema.js";
import type { EditHparams, EditMethod } from "./types.js";

/** Key statistics of one layer: mean ‖k‖² of edit-like keys and tr C0 = E‖k‖² over the corpus. */
export interface KeyStats {
  meanKeyNormSq: number;
  traceC: number;
}

/** Per-layer key statistics: a record or Map by layer index, or a lookup function. */
export type KeyStatsSource =
  Record<number, KeyStats> | Map<number, KeyStats> | ((layer: number) => KeyStats | undefined);

export interface DeriveOptions {
  /** BLUE: keep only the window's first and last layers (MEMIT, PMET, AlphaEdit) */
  blue?: boolean;
  /** key statistics of the critical layers, to scale λ (mom2_update_weight) to the model */
  stats?: KeyStatsSource;
}

export interface DerivedHparams {
  hparams: EditHparams;
  /** field → why this value */
  derivation: Record<string, string>;
}

/** Share of the depth where the published windows end: mean of 17/48, 8/28, 8/32 ≈ 0.30. */
export const WINDOW_END_FRACTION = 0.3;
/** Published window length (MEMIT GPT2-XL and Llama3-8B: 5 layers; GPT-J: 6). */
export const WINDOW_LENGTH = 5;
/** Below this many layers (or hidden size) a model is "small" (own window and clamp rules). */
export const SMALL_MODEL_LAYERS = 12;
export const SMALL_MODEL_HIDDEN = 1024;
/** λ·tr C0 = LAMBDA_KEY_BUDGET · mean‖k‖²: C0 weighs as much as this many edit keys. */
export const LAMBDA_KEY_BUDGET = 100;
/** clamp_norm_factor for small models (MEMIT, PMET, AlphaEdit); ROME keeps its published 4. */
export const SMALL_MODEL_CLAMP = 3;

export function isSmallModel(config: ModelConfig): boolean {
  return config.numLayers < SMALL_MODEL_LAYERS || config.hiddenSize < SMALL_MODEL_HIDDEN;
}

/**
 * The critical window for a model of `numLayers` layers: the (up to) 5 layers ending at
 * L = round(0.3·numLayers) (at least 1, never the last layer: a change to the subject's residual
 * there cannot reach the later positions where the target is predicted), e.g. 28 → [4…8],
 * 32 → [6…10], 48 → [10…14], 4 → [0, 1], 3 → [0, 1]; 1–2 layers → [0].
 * Small models start at layer 0 because the window is short: measured on the 4-layer tiny-facts
 * model, compute_z at layer 2 left 2 of 10 requests above 15 nats (a δ there reaches the prediction
 * through one attention layer), at layer 1 every request fell below 1.1 nats (v_lr 0.5, 40 steps).
 */
export function criticalWindow(numLayers: number): number[] {
  if (!Number.isInteger(numLayers) || numLayers < 1)
    throw new Error(`criticalWindow: the model must have at least one layer, got ${numLayers}`);
  if (numLayers <= 2) return [0];
  const end = Math.min(numLayers - 2, Math.max(1, Math.round(WINDOW_END_FRACTION * numLayers)));
  const first = Math.max(0, end - WINDOW_LENGTH + 1);
  return Array.from({ length: end - first + 1 }, (_, i) => first + i);
}

function lookup(stats: KeyStatsSource, layer: number): KeyStats | undefined {
  if (typeof stats === "function") return stats(layer);
  if (stats instanceof Map) return stats.get(layer);
  return stats[layer];
}

/** Mean over `layers` of mean‖k‖², or undefined without stats for any of them. */
function meanKeyEnergy(
  stats: KeyStatsSource,
  layers: number[],
): { value: number; used: number[] } | undefined {
  const used = layers.filter((layer) => lookup(stats, layer) !== undefined);
  if (used.length === 0) return undefined;
  const value = used.reduce((a, layer) => a + lookup(stats, layer)!.meanKeyNormSq, 0) / used.length;
  return Number.isFinite(value) && value > 0 ? { value, used } : undefined;
}

/** λ = LAMBDA_KEY_BUDGET · mean over `layers` of mean‖k‖² / tr C0, or undefined without stats. */
function scaledLambda(
  stats: KeyStatsSource,
  layers: number[],
): { value: number; used: number[] } | undefined {
  const ratios: number[] = [];
  const used: number[] = [];
  for (const layer of layers) {
    const s = lookup(stats, layer);
    if (s === undefined) continue;
    for (const field of ["meanKeyNormSq", "traceC"] as const)
      if (!(typeof s[field] === "number" && Number.isFinite(s[field]) && s[field] > 0))
        throw new Error(
          `deriveHparams: stats for layer ${layer}: "${field}" must be a positive number, got ${s[field]}`,
        );
    ratios.push(s.meanKeyNormSq / s.traceC);
    used.push(layer);
  }
  if (ratios.length === 0) return undefined;
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  return { value: LAMBDA_KEY_BUDGET * mean, used };
}

/** Hyperparameters for `method` on a model of `config`'s shape, with the reason for each value. */
export function deriveHparams(
  method: EditMethod,
  config: ModelConfig,
  options: DeriveOptions = {},
): DerivedHparams {
  const n = config.numLayers;
  const blue = options.blue ?? false;
  const small = isSmallModel(config);
  const defaults = methodDefaults(method);
  const published = DEFAULTS_SOURCE[method];
  const derivation: Record<string, string> = {};
  for (const key of Object.keys(defaults)) derivation[key] = defaultReason(method, key);

  let layers = criticalWindow(n);
  let layersWhy =
    `up to ${WINDOW_LENGTH} layers ending at round(${WINDOW_END_FRACTION}·${n}) (never the last layer), like the ` +
    `published windows (GPT2-XL 13–17/48, GPT-J 3–8/28, Llama3-8B 4–8/32)`;
  if (method === "rome") {
    layers = [layers[layers.length - 1]];
    layersWhy = `the last layer of the MEMIT window (${layersWhy}); ROME's GPT2-XL layer 17 ends MEMIT's 13–17`;
  } else if (blue) {
    if (layers.length < 2 && n >= 3) layers = [0, 1];
    if (layers.length < 2)
      throw new Error(
        `deriveHparams: BLUE needs two critical layers below the last one; a ${n}-layer model has too few`,
      );
    layers = [layers[0], layers[layers.length - 1]];
    layersWhy = `BLUE: the first and last layers of the window (${layersWhy})`;
  }
  derivation.layers = layersWhy;
  derivation.v_loss_layer = `the model's last layer (${n} layers), as in every reference file`;
  derivation.blue = blue ? "BLUE requested by the caller" : "BLUE not requested";

  let clamp = defaults.clamp_norm_factor;
  if (small && method !== "rome") {
    clamp = SMALL_MODEL_CLAMP;
    derivation.clamp_norm_factor =
      `small model (${n} layers, hidden ${config.hiddenSize}): ${SMALL_MODEL_CLAMP}, between PMET's 2 (GPT2-XL) ` +
      `and ROME's 4; the published 0.75 is tuned for 1.5B–8B models, whose residual norms are large ` +
      `relative to the change an edit needs`;
  }

  let lambda = defaults.mom2_update_weight;
  const scaled = options.stats === undefined ? undefined : scaledLambda(options.stats, layers);
  if (scaled !== undefined && (method === "memit" || method === "pmet")) {
    lambda = scaled.value;
    // λ·C0 and K·Kᵀ must be compared in the same units: tr(K·Kᵀ) = n·mean‖k‖², tr(λ·C0) = λ·tr C0.
    // Setting λ·tr C0 = 100·mean‖k‖² makes the preserved statistics weigh as much as 100 typical
    // edit keys, whatever the model's activation scale.
    derivation.mom2_update_weight =
      `${LAMBDA_KEY_BUDGET} · mean‖k‖² / tr C0 averaged over layers ${scaled.used.join(", ")} ` +
      `(= ${lambda.toPrecision(4)}): C0 weighs as much as ${LAMBDA_KEY_BUDGET} edit keys`;
  } else if (method === "memit" || method === "pmet") {
    derivation.mom2_update_weight = `${published} (no key statistics given to scale it)`;
  }

  let l2 = defaults.L2;
  const keyScale = options.stats === undefined ? undefined : meanKeyEnergy(options.stats, layers);
  if (method === "alphaedit" && small && keyScale !== undefined) {
    // The ridge α·I competes with P·K·Kᵀ, whose scale is the keys' energy; the published α = 10 is
    // tuned to large models' keys and, on tiny-facts (mean‖k‖² ≈ 60), left efficacy at 0/10 where
    // α ≈ 0.6 gave 9/10.
    l2 = keyScale.value / LAMBDA_KEY_BUDGET;
    derivation.L2 =
      `small model: mean‖k‖² / ${LAMBDA_KEY_BUDGET} over layers ${keyScale.used.join(", ")} (= ${l2.toPrecision(4)}); ` +
      `the published 10 is tuned to large models' key norms`;
  }

  const hparams = parseHparams(
    method,
    {
      ...defaults,
      layers,
      v_loss_layer: n - 1,
      blue,
      clamp_norm_factor: clamp,
      mom2_update_weight: lambda,
      L2: l2,
    },
    `derived ${method} hyperparameters`,
  );
  return { hparams, derivation };
}
