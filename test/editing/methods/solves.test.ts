// Each layer solve against its normal equations, checked in float64 on small random data
// (relative residual ≤ 1e-6): MEMIT/PMET ΔW(λC0 + K Kᵀ) = R Kᵀ (MEMIT-seq with + Σ K_pK_pᵀ); AlphaEdit
// (P(K Kᵀ + cache) + α I)ΔWᵀ = P K Rᵀ; ROME's u = C0⁻¹k̄/‖C0⁻¹k̄‖.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { alphaEditLayerDelta } from "../../../src/editing/methods/alphaedit/solve.js";
import { memitLayerDelta } from "../../../src/editing/methods/memit/solve.js";
import { romeLeftVector } from "../../../src/editing/methods/rome/rome.js";
import { seqLayerDelta } from "../../../src/editing/methods/variants/seq.js";
import type { EditHparams } from "../../../src/editing/hparams/types.js";
import { nullSpaceProjector } from "../../../src/linalg/index.js";
import { createRng } from "../../../src/util/random.js";

const F = 24;
const C = 10;
const n = 6;

/** (a × b) · (b × c), all float64 row-major. */
function mul(x: ArrayLike<number>, y: ArrayLike<number>, a: number, b: number, c: number): Float64Array {
  const out = new Float64Array(a * c);
  for (let i = 0; i < a; i++)
    for (let k = 0; k < b; k++) for (let j = 0; j < c; j++) out[i * c + j] += x[i * b + k] * y[k * c + j];
  return out;
}

function transpose(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

function relativeResidual(lhs: Float64Array, rhs: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < lhs.length; i++) {
    num += (lhs[i] - rhs[i]) ** 2;
    den += rhs[i] ** 2;
  }
  return Math.sqrt(num / den);
}

function data(seed: number) {
  const rng = createRng(seed);
  const keys = rng.fillNormal(new Float32Array(n * F)); // rows k_i
  const resid = Float64Array.from(rng.fillNormal(new Float32Array(n * C)));
  const samples = rng.fillNormal(new Float32Array(4 * F * F)); // 4F samples → C0 well conditioned
  const cov = mul(transpose(samples, 4 * F, F), samples, F, 4 * F, F).map((x) => x / (4 * F));
  return { keys, resid, cov };
}

describe("layer solves", () => {
  it("MEMIT's ΔW satisfies ΔW(λC0 + K Kᵀ) = R Kᵀ", () => {
    const { keys, resid, cov } = data(1);
    const lambda = 3.5;
    const delta = memitLayerDelta(keys, resid, n, cov, lambda); // (C, F)
    const kt = transpose(keys, n, F); // K as F × n
    const gram = mul(kt, keys, F, n, F);
    const m = cov.map((x, i) => lambda * x + gram[i]);
    const lhs = mul(delta, m, C, F, F);
    const rhs = mul(transpose(resid, n, C), keys, C, n, F); // R (C × n) · Kᵀ (n × F)
    assert.ok(relativeResidual(lhs, rhs) <= 1e-6, `residual ${relativeResidual(lhs, rhs)}`);
  });

  it("MEMIT-seq's ΔW satisfies ΔW(λC0 + Σ K_pK_pᵀ + K Kᵀ) = R Kᵀ", () => {
    const { keys, resid, cov } = data(4);
    const earlier = createRng(5).fillNormal(new Float32Array(12 * F)); // 12 keys of earlier batches
    const history = mul(transpose(earlier, 12, F), earlier, F, 12, F);
    const lambda = 2.5;
    const hparams = { mom2_adjustment: true, mom2_update_weight: lambda } as unknown as EditHparams;
    const context = { model: null as never, hparams, covariance: () => cov, cachedKeyGram: () => history };
    const delta = seqLayerDelta(context, 0, keys, resid, n);
    const gram = mul(transpose(keys, n, F), keys, F, n, F);
    const lhs = mul(
      delta,
      cov.map((x, i) => lambda * x + history[i] + gram[i]),
      C,
      F,
      F,
    );
    const rhs = mul(transpose(resid, n, C), keys, C, n, F);
    assert.ok(relativeResidual(lhs, rhs) <= 1e-6, `residual ${relativeResidual(lhs, rhs)}`);
  });

  it("MEMIT solves a rank-deficient λC0 + K Kᵀ (keys in a subspace) with a vanishing ridge", () => {
    const rng = createRng(9);
    const basis = rng.fillNormal(new Float32Array(8 * F)); // keys and C0 live in an 8-dim subspace
    const mix = (rows: number) => mul(rng.fillNormal(new Float32Array(rows * 8)), basis, rows, 8, F);
    const samples = mix(40);
    const cov = mul(transpose(samples, 40, F), samples, F, 40, F).map((x) => x / 40);
    const keys = Float32Array.from(mix(n));
    const resid = Float64Array.from(rng.fillNormal(new Float32Array(n * C)));
    const delta = memitLayerDelta(keys, resid, n, cov, 2);
    assert.ok(delta.every(Number.isFinite));
    const gram = mul(transpose(keys, n, F), keys, F, n, F);
    const lhs = mul(
      delta,
      cov.map((x, i) => 2 * x + gram[i]),
      C,
      F,
      F,
    );
    const rhs = mul(transpose(resid, n, C), keys, C, n, F);
    // ill-posed: float32 keys stick out of the subspace by ~1e-7, which the ridge amplifies
    assert.ok(relativeResidual(lhs, rhs) <= 2e-3, `residual ${relativeResidual(lhs, rhs)}`);
  });

  it("MEMIT given a C0 it may overwrite builds M in that buffer: the same ΔW bit for bit, C0 again in it per ridge", () => {
    const { keys, resid, cov } = data(1);
    const kept = memitLayerDelta(keys, resid, n, cov, 3.5);
    const handed: Float64Array[] = [];
    const overwritten = memitLayerDelta(
      keys,
      resid,
      n,
      () => (handed.push(cov.slice()), handed.at(-1)!),
      3.5,
    );
    assert.deepEqual(overwritten, kept);
    assert.equal(handed.length, 1, "a well-posed M is built once");
    assert.notDeepEqual(handed[0], cov, "M was built in the buffer handed over");
    // rank-deficient: each ridge tried asks for C0 again (the failed factorisation overwrote M)
    const rng = createRng(9);
    const basis = rng.fillNormal(new Float32Array(8 * F));
    const samples = mul(rng.fillNormal(new Float32Array(40 * 8)), basis, 40, 8, F);
    const low = mul(transpose(samples, 40, F), samples, F, 40, F).map((x) => x / 40);
    const lowKeys = Float32Array.from(mul(rng.fillNormal(new Float32Array(n * 8)), basis, n, 8, F));
    const given: (Float64Array | undefined)[] = [];
    const buffers = new Set<Float64Array>();
    const fromBuffer = memitLayerDelta(
      lowKeys,
      resid,
      n,
      (into) => {
        given.push(into);
        const c = into ? (into.set(low), into) : low.slice();
        buffers.add(c);
        return c;
      },
      2,
    );
    assert.deepEqual(fromBuffer, memitLayerDelta(lowKeys, resid, n, low, 2));
    assert.ok(given.length > 1, `C0 asked for ${given.length} time(s)`);
    assert.equal(given[0], undefined, "the first call gets no buffer");
    assert.ok(
      given.slice(1).every((b) => b === given[1] && b !== undefined),
      "each retry refills the first buffer",
    );
    assert.equal(buffers.size, 1, "one d_ff² matrix however many ridges are tried");
    assert.throws(() => memitLayerDelta(keys, resid, n, () => new Float64Array(10), 1), /d_ff² = 24²/);
  });

  it("MEMIT rejects a covariance of the wrong size, naming the sizes", () => {
    const { keys, resid } = data(2);
    assert.throws(() => memitLayerDelta(keys, resid, n, new Float64Array(10), 1), /d_ff² = 24²/);
  });

  it("AlphaEdit's ΔW satisfies (P(K Kᵀ + cache) + αI) ΔWᵀ = P K Rᵀ and lives in P's range", () => {
    const { keys, resid, cov } = data(3);
    const P = nullSpaceProjector({ data: cov, shape: [F, F] }, 0.6).data;
    const rank = Math.round(Array.from({ length: F }, (_, i) => P[i * F + i]).reduce((a, b) => a + b, 0));
    assert.ok(rank > 0 && rank < F, `projector rank ${rank}`);
    const cache = data(4).cov;
    const alpha = 0.7;
    const delta = alphaEditLayerDelta(keys, resid, n, P, cache, alpha);
    const dT = transpose(delta, C, F); // (F, C)
    const kt = transpose(keys, n, F);
    const gram = mul(kt, keys, F, n, F).map((x, i) => x + cache[i]);
    const m = mul(P, gram, F, F, F);
    for (let i = 0; i < F; i++) m[i * F + i] += alpha;
    const lhs = mul(m, dT, F, F, C);
    const rhs = mul(P, mul(kt, resid, F, n, C), F, F, C);
    assert.ok(relativeResidual(lhs, rhs) <= 1e-6, `residual ${relativeResidual(lhs, rhs)}`);
    // ΔWᵀ = P·(stuff)/α − …: every column lies in range(P), so ΔW·(I − P) ≈ 0
    const inRange = mul(P, dT, F, F, C);
    assert.ok(relativeResidual(Float64Array.from(dT), inRange) <= 1e-5);
  });

  it("ROME's left vector is C0⁻¹k̄, normalised", () => {
    const { keys, cov } = data(5);
    const k = keys.subarray(0, F);
    const u = romeLeftVector(k, cov);
    const back = mul(cov, u, F, F, 1); // C0 u ∝ k̄
    const scale = back[0] / k[0];
    assert.ok(
      relativeResidual(
        back,
        Float64Array.from(k, (x) => x * scale),
      ) <= 1e-6,
    );
    assert.ok(Math.abs(Math.hypot(...u) - 1) < 1e-12);
    assert.throws(() => romeLeftVector(new Float32Array(F), null), /key is zero/);
  });
});
