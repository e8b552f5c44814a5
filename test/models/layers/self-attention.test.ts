// Finite-difference check of the attention sublayer (projections, rotary, attention core, output
// projection): dinp and every weight and bias gradient, in the three shapes the blocks use —
// GPT-2 (biases, no rotary), GPT-J (partial interleaved rotary), Llama (rotate-half rotary, GQA,
// NH·HS ≠ C), Qwen3 (per-head RMSNorm of q and k before the rotary) — on a left- and
// right-padded batch.
import { describe, it } from "node:test";
import { RopeTable } from "../../../src/models/layers/rope.js";
import {
  selfAttentionBackward,
  selfAttentionForward,
  type AttentionDims,
  type AttentionGrads,
  type AttentionWeights,
} from "../../../src/models/layers/self-attention.js";
import { createRng, type Rng } from "../../../src/util/random.js";
import { checkGradient, PADDED_MASK, paddedBatch, project, randn } from "../fd-helpers.js";

interface Case {
  name: string;
  dims: AttentionDims;
  rope: RopeTable | null;
  biases: boolean;
  qkNorm?: boolean;
}

const CASES: Case[] = [
  { name: "GPT-2 shape", dims: { C: 8, NH: 2, NKV: 2, HS: 4 }, rope: null, biases: true },
  {
    name: "GPT-J shape",
    dims: { C: 12, NH: 2, NKV: 2, HS: 6 },
    rope: new RopeTable(4, "interleaved", 10000),
    biases: false,
  },
  {
    name: "Llama shape",
    dims: { C: 10, NH: 4, NKV: 2, HS: 4 },
    rope: new RopeTable(4, "half", 500),
    biases: true,
  },
  {
    name: "Qwen3 shape (q/k norm)",
    dims: { C: 6, NH: 4, NKV: 2, HS: 4 },
    rope: new RopeTable(4, "half", 500),
    biases: false,
    qkNorm: true,
  },
];

function randomWeights(rng: Rng, { C, NH, NKV, HS }: AttentionDims, biases: boolean, qkNorm = false): AttentionWeights<Float32Array> {
  const bias = (n: number) => (biases ? randn(rng, n, 0.3) : null);
  const normWeight = () => randn(rng, HS, 0.2).map((v) => 1 + v);
  return {
    qkNorm: qkNorm ? { q: normWeight(), k: normWeight(), eps: 1e-6 } : null,
    q: randn(rng, NH * HS * C, 0.4),
    k: randn(rng, NKV * HS * C, 0.4),
    v: randn(rng, NKV * HS * C, 0.4),
    o: randn(rng, C * NH * HS, 0.4),
    qBias: bias(NH * HS),
    kBias: bias(NKV * HS),
    vBias: bias(NKV * HS),
    oBias: bias(C),
  };
}

for (const [index, c] of CASES.entries()) {
  describe(`self-attention backward, ${c.name}`, () => {
    const rng = createRng(800 + index);
    const batch = paddedBatch(rng, PADDED_MASK, 10);
    const N = batch.B * batch.T;
    const { C } = c.dims;
    const w = randomWeights(rng, c.dims, c.biases, c.qkNorm);
    const inp = randn(rng, N * C); // (N, C)
    const r = randn(rng, N * C);
    const loss = () => project(selfAttentionForward(inp, w, c.dims, c.rope, batch).out, r);
    const { saved } = selfAttentionForward(inp, w, c.dims, c.rope, batch);
    const dinp = new Float32Array(N * C);
    const matrices = Object.entries(w).filter(([key]) => key !== "qkNorm") as [string, Float32Array | null][];
    const g = Object.fromEntries(
      matrices.map(([key, value]) => [key, value ? new Float32Array(value.length) : null]),
    ) as AttentionGrads;
    const HS = c.dims.HS;
    if (w.qkNorm) g.qkNorm = { q: new Float32Array(HS), k: new Float32Array(HS), eps: w.qkNorm.eps };
    selfAttentionBackward(dinp, r, inp, saved, w, g, c.dims, c.rope, batch);

    it("dinp", () => {
      checkGradient(loss, inp, dinp, { name: "dinp", rng, coords: 16 });
    });
    if (w.qkNorm)
      for (const which of ["q", "k"] as const)
        it(`d ${which}_norm`, () =>
          checkGradient(loss, w.qkNorm![which], g.qkNorm![which], { name: `d ${which}_norm`, rng, coords: HS }),
        );
    for (const key of Object.keys(w).filter((k) => k !== "qkNorm") as Exclude<keyof AttentionWeights, "fused" | "qkNorm">[]) {
      const param = w[key];
      if (!param) continue;
      // Without rotary, a key bias adds q·b to every score of a query row: softmax ignores it.
      const zeroGradient = key === "kBias" && !c.rope;
      it(`d${key}${zeroGradient ? " (0: softmax is shift-invariant)" : ""}`, () => {
        checkGradient(loss, param, g[key]!, { name: `d${key}`, rng, coords: 10, zeroGradient });
      });
    }
  });
}

for (const rope of [null, new RopeTable(4, "half", 1000)]) {
  describe(`self-attention backward, fused q/k/v projection (GPT-2 c_attn)${rope ? " with rotary" : ""}`, () => {
    const rng = createRng(rope ? 905 : 904);
    const dims = { C: 8, NH: 4, NKV: 2, HS: 4 };
    const rows = (dims.NH + 2 * dims.NKV) * dims.HS;
    const batch = paddedBatch(rng, PADDED_MASK, 10);
    const N = batch.B * batch.T;
    const fused = { weight: randn(rng, rows * dims.C, 0.4), bias: randn(rng, rows, 0.3) };
    const w: AttentionWeights<Float32Array> = { ...randomWeights(rng, dims, true), fused };
    const inp = randn(rng, N * dims.C);
    const r = randn(rng, N * dims.C);
    const loss = () => project(selfAttentionForward(inp, w, dims, rope, batch).out, r);
    const { saved } = selfAttentionForward(inp, w, dims, rope, batch);
    const dinp = new Float32Array(N * dims.C);
    const g: AttentionGrads = {
      q: null,
      k: null,
      v: null,
      qBias: null,
      kBias: null,
      vBias: null,
      o: new Float32Array(w.o.length),
      oBias: new Float32Array(dims.C),
      fused: { weight: new Float32Array(fused.weight.length), bias: new Float32Array(rows) },
    };
    selfAttentionBackward(dinp, r, inp, saved, w, g, dims, rope, batch);
    it("dinp", () => checkGradient(loss, inp, dinp, { name: "dinp", rng, coords: 16 }));
    it("d fused weight", () => checkGradient(loss, fused.weight, g.fused!.weight, { name: "dW", rng, coords: 16 }));
    it("d fused bias (q and v parts)", () =>
      checkGradient(loss, fused.bias, g.fused!.bias!, {
        name: "db",
        rng,
        coords: [0, 3, 9, 15, 24, 27, 31],
      }));
    it("do", () => checkGradient(loss, w.o, g.o!, { name: "do", rng, coords: 10 }));
  });
}
