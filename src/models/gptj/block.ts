// One GPT-J block (Wang & Komatsuzaki 2021; HF modeling_gptj.GPTJBlock), parallel residual:
//   h = ln_1(x);  out = x + attn(h) + mlp(h)
// attention without biases, rotary on the first rotary_dim dims of each head (interleaved pairs).
import type { GptjConfig } from "../config.js";
import { GPTJ_NAMES } from "./weights.js";
import { layerNormBackward, layerNormForward } from "../layers/layernorm.js";
import { mlpBackward, mlpForward, type GeluMlpWeights, type MlpSaved } from "../layers/mlp.js";
import { RopeTable } from "../layers/rope.js";
import type { KVCache } from "../kv-cache.js";
import {
  selfAttentionBackward,
  selfAttentionForward,
  selfAttentionIncremental,
  type AttentionDims,
  type AttentionSaved,
  type AttentionWeights,
} from "../layers/self-attention.js";
import {
  addDeltas,
  type Batch,
  type Block,
  type BlockGradients,
  type BlockOutput,
  type DeltaHook,
  type ParamLookup,
  type WeightLookup,
} from "../types.js";
import type { Weight } from "../layers/weight.js";

interface Saved {
  x: Float32Array;
  ln: Float32Array;
  mean: Float32Array;
  rstd: Float32Array;
  attn: AttentionSaved;
  mlp: MlpSaved;
}

export class GptjBlock implements Block {
  private readonly p: (suffix: string) => string;
  private readonly dims: AttentionDims;

  constructor(
    readonly layer: number,
    private readonly config: GptjConfig,
    private readonly params: WeightLookup,
    private readonly rope: RopeTable,
  ) {
    this.p = (suffix) => GPTJ_NAMES.layerPrefix(layer) + suffix;
    const C = config.hiddenSize;
    this.dims = { C, NH: config.numHeads, NKV: config.numHeads, HS: C / config.numHeads };
  }

  private attentionWeights<W extends Weight>(get: (name: string) => W): AttentionWeights<W> {
    const p = this.p;
    return {
      q: get(p("attn.q_proj.weight")),
      k: get(p("attn.k_proj.weight")),
      v: get(p("attn.v_proj.weight")),
      o: get(p(`${GPTJ_NAMES.editSurface.attnOut}.weight`)),
      qBias: null,
      kBias: null,
      vBias: null,
      oBias: null,
    };
  }

  private mlpWeights<W extends Weight>(get: (name: string) => W): GeluMlpWeights<W> {
    const p = this.p;
    return {
      kind: "gelu",
      fcIn: get(p("mlp.fc_in.weight")),
      fcInBias: get(p("mlp.fc_in.bias")),
      fcOut: get(p(`${GPTJ_NAMES.editSurface.mlpOut}.weight`)),
      fcOutBias: get(p(`${GPTJ_NAMES.editSurface.mlpOut}.bias`)),
    };
  }

  forward(x: Float32Array, batch: Batch, deltas: readonly DeltaHook[]): BlockOutput {
    const { B, T } = batch;
    const N = B * T;
    const C = this.config.hiddenSize;
    const F = this.config.intermediateSize;
    const get = this.params;
    const p = this.p;
    const ln = new Float32Array(N * C);
    const mean = new Float32Array(N);
    const rstd = new Float32Array(N);
    layerNormForward(
      ln,
      mean,
      rstd,
      x,
      get(p("ln_1.weight")),
      get(p("ln_1.bias")),
      N,
      C,
      this.config.layerNormEpsilon,
    );
    // out (N, C) = x + attn(h) + mlp(h): both output projections accumulate onto a copy of x
    const attn = selfAttentionForward(ln, this.attentionWeights(get), this.dims, this.rope, batch, x.slice());
    const mlp = mlpForward(ln, this.mlpWeights(get), N, C, F, attn.out);
    const out = mlp.out;
    for (const site of ["attn", "mlp", "block"] as const) addDeltas(out, deltas, site, T, C);
    const saved: Saved = { x, ln, mean, rstd, attn: attn.saved, mlp: mlp.saved };
    return { out, key: mlp.saved.key, saved };
  }

  forwardIncremental(x: Float32Array, tokens: Batch, cache: KVCache): Float32Array {
    const N = tokens.B * tokens.T;
    const C = this.config.hiddenSize;
    const get = this.params;
    const p = this.p;
    const h = new Float32Array(N * C); // (N, C) ln_1(x)
    const mean = new Float32Array(N);
    const rstd = new Float32Array(N);
    const eps = this.config.layerNormEpsilon;
    layerNormForward(h, mean, rstd, x, get(p("ln_1.weight")), get(p("ln_1.bias")), N, C, eps);
    // out = x + attn(h) + mlp(h), both projections accumulating into x in place
    const w = this.attentionWeights(get);
    selfAttentionIncremental(h, w, this.dims, this.rope, tokens, cache, this.layer, x);
    return mlpForward(h, this.mlpWeights(get), N, C, this.config.intermediateSize, x).out;
  }

  backward(dout: Float32Array, fwd: BlockOutput, batch: Batch, grads: ParamLookup | null): BlockGradients {
    const s = fwd.saved as Saved;
    const N = batch.B * batch.T;
    const C = this.config.hiddenSize;
    const F = this.config.intermediateSize;
    const get = this.params;
    const p = this.p;
    // Both branches read ln_1(x) and write straight into the residual: each gets dout.
    const dln = new Float32Array(N * C);
    const mlpGrads = grads ? this.mlpWeights(grads) : null;
    mlpBackward(dln, dout, s.ln, s.mlp, this.mlpWeights(get), mlpGrads, N, C, F);
    const attnGrads = grads ? this.attentionWeights(grads) : null;
    selfAttentionBackward(
      dln,
      dout,
      s.ln,
      s.attn,
      this.attentionWeights(get),
      attnGrads,
      this.dims,
      this.rope,
      batch,
    );
    const dx = Float32Array.from(dout);
    layerNormBackward(
      dx,
      grads ? grads(p("ln_1.weight")) : null,
      grads ? grads(p("ln_1.bias")) : null,
      dln,
      s.x,
      get(p("ln_1.weight")),
      s.mean,
      s.rstd,
      N,
      C,
    );
    return { dx, dAttnOut: dout, dMlpOut: dout };
  }
}
