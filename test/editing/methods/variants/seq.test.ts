// The seq variant (its solve against the normal equations is in ../solves.test.ts): with an empty
// history it is MEMIT's solve exactly; the key history adds each batch's Gram; seq applies to MEMIT
// and PMET only.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MEMIT_FAMILY } from "../../../../src/editing/methods/memit/memit.js";
import { memitLayerDelta } from "../../../../src/editing/methods/memit/solve.js";
import { ALPHAEDIT_FAMILY } from "../../../../src/editing/methods/alphaedit/alphaedit.js";
import type { MethodContext } from "../../../../src/editing/methods/types.js";
import { KeyHistory, seqFamily, seqLayerDelta } from "../../../../src/editing/methods/variants/index.js";
import type { EditHparams } from "../../../../src/editing/hparams/types.js";
import { createRng } from "../../../../src/util/random.js";

const F = 20;
const C = 8;
const n = 5;

/** Σ k kᵀ of `count` random keys (F², float64). */
function gramOf(rng: ReturnType<typeof createRng>, count: number): Float64Array {
  const k = rng.fillNormal(new Float32Array(count * F));
  const out = new Float64Array(F * F);
  for (let r = 0; r < count; r++)
    for (let i = 0; i < F; i++) for (let j = 0; j < F; j++) out[i * F + j] += k[r * F + i] * k[r * F + j];
  return out;
}

function context(lambda: number, cov: Float64Array, history: Float64Array | null): MethodContext {
  const hparams = { mom2_adjustment: true, mom2_update_weight: lambda } as unknown as EditHparams;
  return {
    model: null as never,
    hparams,
    covariance: () => cov,
    ...(history ? { cachedKeyGram: () => history } : {}),
  };
}

describe("seq variant", () => {
  const rng = createRng(7);
  const keys = rng.fillNormal(new Float32Array(n * F));
  const resid = Float64Array.from(rng.fillNormal(new Float32Array(n * C)));
  const cov = gramOf(rng, 4 * F).map((x) => x / (4 * F));

  it("with an empty history it is MEMIT's solve, value for value", () => {
    const seq = seqLayerDelta(context(4, cov, new Float64Array(F * F)), 0, keys, resid, n);
    assert.deepEqual(seq, memitLayerDelta(keys, resid, n, cov, 4));
  });

  it("needs the history, and applies to MEMIT and PMET only", () => {
    assert.throws(() => seqLayerDelta(context(1, cov, null), 0, keys, resid, n), /key history/);
    assert.equal(seqFamily(MEMIT_FAMILY).keepsKeyGram, true);
    assert.throws(() => seqFamily(ALPHAEDIT_FAMILY), /MEMIT and PMET, not alphaedit/);
  });

  it("the key history sums each batch's Gram per layer", () => {
    const h = new KeyHistory();
    const a = gramOf(rng, 3);
    const b = gramOf(rng, 2);
    assert.deepEqual(h.gram(4, F), new Float64Array(F * F));
    h.add(new Map([[4, a]]));
    h.add(new Map([[4, b]]));
    assert.deepEqual(
      h.gram(4, F),
      a.map((x, i) => x + b[i]),
    );
    assert.deepEqual(
      h.entries().map(([l]) => l),
      [4],
    );
    assert.throws(() => h.gram(4, F + 1), /expected 21²/);
  });
});
