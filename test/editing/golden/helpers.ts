// Shared pieces of the editing golden tests (test/fixtures/editing/*.json, written by the
// independent PyTorch implementation scripts/golden/make_edit_goldens.py; see the README there):
// reading a golden, its requests and hyperparameters in locedit's types, C0 over its corpus, and
// the comparison with its tolerance.
//
// Tolerance. The golden run and locedit are two float32 implementations of the same pipeline
// (forward, 11 Adam steps with clamps, float64 solves): they differ only by float32 rounding. The
// script measures how far float32 rounding moves the pipeline by running it in float64 as well:
// at most 4.8e-6 relative (max |Δ| / max |ref|) over z and ΔW in every file (a ~1e-7 rounding
// amplified ~40× through the Adam steps and the solves). Two float32 implementations should agree
// to a small multiple of that: we allow 8×, 4e-5. Measured locedit vs golden: ≤ 1.1e-5 under five
// OpenBLAS kernels (Haswell, Cooperlake, SkylakeX, Zen, Sandybridge; README's table).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { EditHparams } from "../../../src/editing/hparams/types.js";
import type { PreparedRequest, PromptAt } from "../../../src/editing/prepare/prepared-request.js";
import type { CausalLM } from "../../../src/models/causal-lm.js";
import { makeBatch } from "../../../src/runtime/batch.js";
import { repoRoot } from "../../models/golden-helpers.js";
import { testHparams } from "../helpers.js";

/** z, ΔW, cache_c and the final loss: 8 × the largest float32-vs-float64 gap of the pipeline (see above). */
export const TOLERANCE = 4e-5;
/** One float32 forward, no optimisation (h, the initial loss): a few ulps through 3 layers (measured ≤ 1.8e-6). */
export const FORWARD_TOLERANCE = 1e-5;

export interface GoldenRequest {
  target: number[];
  rewrite: PromptAt[];
  groups: number[];
  kl: PromptAt;
}

export interface GoldenInputs {
  hparams: Record<string, number | number[]>;
  corpus: number[][];
  requests?: GoldenRequest[];
  batches?: GoldenRequest[][];
}

/** The common header of every editing golden file. */
export interface GoldenFile {
  inputs: GoldenInputs;
  C0_trace: Record<string, number>;
  C0_count: number;
}

export function readEditGolden<T extends GoldenFile>(file: string): T {
  return JSON.parse(readFileSync(join(repoRoot, "test", "fixtures", "editing", file), "utf8")) as T;
}

export function preparedRequests(requests: readonly GoldenRequest[]): PreparedRequest[] {
  return requests.map((r, i) => ({
    request: { prompt: "{}", subject: `s${i}`, targetNew: ` t${i}` },
    targetIds: r.target,
    rewrite: r.rewrite,
    groups: r.groups,
    kl: r.kl,
  }));
}

/** The golden's hyperparameters as locedit's, with `layers` (and BLUE) chosen by the caller. */
export function goldenHparams(h: GoldenInputs["hparams"], overrides: Partial<EditHparams>): EditHparams {
  const pick = (key: string) => (key in h ? { [key]: h[key] } : {});
  return testHparams({
    v_num_grad_steps: h.v_num_grad_steps as number,
    v_lr: h.v_lr as number,
    v_loss_layer: h.v_loss_layer as number,
    v_weight_decay: h.v_weight_decay as number,
    clamp_norm_factor: h.clamp_norm_factor as number,
    kl_factor: h.kl_factor as number,
    mom2_update_weight: h.mom2_update_weight as number,
    ...pick("nll_loss_factor"),
    ...pick("nullspace_threshold"),
    ...pick("L2"),
    ...overrides,
  });
}

/** max |ours − ref| / max |ref| */
export function relativeError(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  assert.equal(ours.length, ref.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(ours[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return diff / scale;
}

/** Records the largest error per label (printed by `report`), and fails beyond `tolerance`. */
export class Agreement {
  readonly worst = new Map<string, number>();

  check(label: string, ours: ArrayLike<number>, ref: ArrayLike<number>, tolerance = TOLERANCE): void {
    const err = relativeError(ours, ref);
    const kind = label.split(" ")[0];
    this.worst.set(kind, Math.max(this.worst.get(kind) ?? 0, err));
    assert.ok(err <= tolerance, `${label}: relative error ${err.toExponential(2)} > ${tolerance}`);
  }

  /** One line per quantity, e.g. "z 3.1e-6  ΔW 8.0e-6" (node --test prints diagnostics). */
  report(): string {
    return [...this.worst].map(([k, v]) => `${k} ${v.toExponential(1)}`).join("  ");
  }
}

/** C0 = Σ k kᵀ / count over every token of the corpus, each sequence alone (as the script), float64. */
export function covariances(
  model: CausalLM,
  corpus: number[][],
  layers: number[],
): Map<number, Float64Array> {
  const out = new Map<number, Float64Array>();
  let count = 0;
  for (const seq of corpus) {
    const trace = model.forward(makeBatch([seq]), {
      endLayer: Math.max(...layers) + 1,
      logits: "none",
      captureLayers: layers,
    });
    for (const layer of layers) {
      const key = trace.layers[layer]!.key;
      const F = key.length / seq.length;
      if (!out.has(layer)) out.set(layer, new Float64Array(F * F));
      const c = out.get(layer)!;
      for (let t = 0; t < seq.length; t++)
        for (let i = 0; i < F; i++)
          for (let j = 0; j < F; j++) c[i * F + j] += key[t * F + i] * key[t * F + j];
    }
    count += seq.length;
  }
  for (const c of out.values()) for (let i = 0; i < c.length; i++) c[i] /= count;
  return out;
}

/** C0's trace against the golden's: both accumulate float32 keys in float64 over ~450 tokens. */
export function checkCovarianceTraces(cov: Map<number, Float64Array>, golden: GoldenFile): void {
  for (const [layer, c] of cov) {
    const F = Math.round(Math.sqrt(c.length));
    let trace = 0;
    for (let i = 0; i < F; i++) trace += c[i * F + i];
    const ref = golden.C0_trace[String(layer)];
    // keys agree to ~1e-6 relative (one float32 forward), so their squares to ~2e-6
    assert.ok(Math.abs(trace - ref) <= 1e-5 * ref, `C0 trace of layer ${layer}: ${trace} vs ${ref}`);
  }
}
