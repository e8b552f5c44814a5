// The cached-prefix path of every architecture (models/prefix-cache.ts): a forward of each row's
// later positions over the keys and values kept from its earlier ones equals the full forward at
// those positions (hidden states and logits), and its backward gives the same gradient with
// respect to their residual stream and to their block sites. Runs on every fixture model, so an
// architecture added later is covered as soon as it has a fixture. Rows split at different
// points (one with an empty prefix), padded on the right; from the embedding (position ids of the
// later tokens continue the prefix) and from a cached residual stream entering a layer.
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import { loadModel } from "../../src/models/load.js";
import type { Batch } from "../../src/models/types.js";
import { makeBatch } from "../../src/runtime/batch.js";
import { createRng } from "../../src/util/random.js";
import { fixtureDir, repoRoot } from "./golden-helpers.js";
import { join } from "node:path";

const FIXTURES = readdirSync(join(repoRoot, "test", "fixtures", "models"), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

/** max |a − b| / max |b| over the given pairs. */
function relative(pairs: [number, number][]): number {
  let diff = 0;
  let scale = 0;
  for (const [a, b] of pairs) {
    diff = Math.max(diff, Math.abs(a - b));
    scale = Math.max(scale, Math.abs(b));
  }
  return diff / scale;
}

/** Rows' positions [from, len) as a right-padded batch with absolute position ids. */
function tail(rows: number[][], split: number[]): Batch {
  const T = Math.max(...rows.map((r, b) => r.length - split[b]));
  const B = rows.length;
  const batch: Batch = { B, T, ids: new Int32Array(B * T), mask: new Uint8Array(B * T), positions: new Int32Array(B * T) };
  rows.forEach((r, b) => {
    const n = r.length - split[b];
    for (let t = 0; t < T; t++) {
      batch.ids[b * T + t] = t < n ? r[split[b] + t] : 0;
      batch.mask[b * T + t] = t < n ? 1 : 0;
      batch.positions[b * T + t] = split[b] + Math.min(t, n - 1);
    }
  });
  return batch;
}

/** The first P positions of every row, those before `split` real. */
function head(full: Batch, split: number[], P: number): Batch {
  const { B } = full;
  const batch: Batch = { B, T: P, ids: new Int32Array(B * P), mask: new Uint8Array(B * P), positions: new Int32Array(B * P) };
  for (let b = 0; b < B; b++)
    for (let t = 0; t < P; t++) {
      batch.ids[b * P + t] = full.ids[b * full.T + t];
      batch.mask[b * P + t] = t < split[b] ? 1 : 0;
      batch.positions[b * P + t] = t;
    }
  return batch;
}

/** Rows of x (B × fromT × C) at positions [offset(b), offset(b) + toT), as B × toT × C (zeros past the end). */
function cut(x: Float32Array, B: number, fromT: number, C: number, offset: number[], toT: number): Float32Array {
  const out = new Float32Array(B * toT * C);
  for (let b = 0; b < B; b++) {
    const n = Math.min(toT, fromT - offset[b]);
    out.set(x.subarray((b * fromT + offset[b]) * C, (b * fromT + offset[b] + n) * C), b * toT * C);
  }
  return out;
}

for (const name of FIXTURES) {
  describe(`cached prefix on ${name}`, () => {
    const model = loadModel(fixtureDir(name));
    const C = model.config.hiddenSize;
    const V = model.config.vocabSize;
    const rng = createRng(31);
    const rows = [9, 6, 11].map((n) => Array.from({ length: n }, () => 1 + rng.int(V - 1)));
    const split = [4, 0, 7];
    const full = makeBatch(rows, { padSide: "right" });
    const suffix = tail(rows, split);
    const P = Math.max(...split);
    // every real suffix position of every row
    const wanted = rows.flatMap((r, b) =>
      Array.from({ length: r.length - split[b] }, (_, t) => ({ row: b, position: t })),
    );
    const inFull = wanted.map(({ row, position }) => ({ row, position: split[row] + position }));

    for (const startLayer of [0, 1]) {
      it(`forward and backward from ${startLayer === 0 ? "the embedding" : "layer 1"} equal the full pass`, () => {
        const below = startLayer === 0 ? null : model.forward(full, { endLayer: startLayer, logits: "none" }).hidden;
        const ref = model.forward(full, {
          ...(below ? { start: { layer: startLayer, hidden: below } } : {}),
          logits: inFull,
          keepActivations: true,
        });
        const prefixRun = model.forward(head(full, split, P), {
          ...(below ? { start: { layer: startLayer, hidden: cut(below, full.B, full.T, C, [0, 0, 0], P) } } : {}),
          logits: "none",
          keepKeys: true,
        });
        const ours = model.forward(suffix, {
          ...(below ? { start: { layer: startLayer, hidden: cut(below, full.B, full.T, C, split, suffix.T) } } : {}),
          prefix: prefixRun.keys!,
          logits: wanted,
          keepActivations: true,
        });
        const logitPairs: [number, number][] = [];
        for (let i = 0; i < ours.logits.length; i++) logitPairs.push([ours.logits[i], ref.logits[i]]);
        assert.ok(relative(logitPairs) < 1e-5, `logits: relative ${relative(logitPairs)}`);
        // the same upstream gradient (a random projection of the logits) through both
        const dlogits = rng.fillNormal(new Float32Array(ref.logits.length));
        const layer = model.numLayers - 2;
        const g = model.backward(ours, dlogits, { downTo: layer });
        const gRef = model.backward(ref, dlogits, { downTo: layer });
        for (const [what, a, b] of [
          ["dOut", g.dOut, gRef.dOut],
          ["dx", g.block!.dx, gRef.block!.dx],
          ["dAttnOut", g.block!.dAttnOut, gRef.block!.dAttnOut],
        ] as const) {
          const pairs: [number, number][] = [];
          wanted.forEach(({ row, position }) => {
            const s = (row * suffix.T + position) * C;
            const f = (row * full.T + split[row] + position) * C;
            for (let c = 0; c < C; c++) pairs.push([a[s + c], b[f + c]]);
          });
          assert.ok(relative(pairs) < 1e-5, `${what}: relative ${relative(pairs)}`);
        }
      });
    }

    it("a layer the prefix forward did not run is refused by name", () => {
      const upper = model.forward(full, { endLayer: 1, logits: "none" }).hidden;
      const prefixRun = model.forward(head(full, split, P), {
        start: { layer: 1, hidden: cut(upper, full.B, full.T, C, [0, 0, 0], P) },
        logits: "none",
        keepKeys: true,
      });
      assert.throws(() => model.forward(suffix, { prefix: prefixRun.keys! }), /prefix cache: layer 0 was not cached/);
      assert.throws(() => model.forward(makeBatch([[1, 2]]), { start: { layer: 1, hidden: new Float32Array(2 * C) }, prefix: prefixRun.keys! }), /prefix cache holds 3 rows, the batch has 1/);
    });
  });
}
