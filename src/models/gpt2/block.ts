// One GPT-2 block (Radford et al. 2019; HF modeling_gpt2.GPT2Block), pre-LayerNorm:
//   r = x + attn(ln_1(x));  out = r + mlp(ln_2(r))
// with a fused c_attn projection (split here into q/k/v views) and a GELU (tanh) MLP.
import type { Gpt2Config } from "../config.js";
import { GPT2_NAMES } from "./weights.js";
import { layerNormBackward, layerNormForward } from "../layers/layernorm.js";
import { mlpBackward, mlpForward, type GeluMlpWeights, type MlpSaved } from "../layers/mlp.js";
import type { KVCache } from "../kv-cache.js";
import {
  selfAttentionBackward,
  selfAttentionForward,
  selfAttentionIncremental,
  type AttentionDims,
  type AttentionGrads,
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
import { weightSlice, type Weight } from "../layers/weight.js";

interface Saved {
  x: Float32Array;
  ln1: Float32Array;
  mean1: Float32Array;
  rstd1: Float32Array;
  attn: AttentionSaved;
  r: Float32Array;
  ln2: Float32Array;
  mean2: Float32Array;
  rstd2: Float32Array;
  mlp: MlpSaved;
}

/** The attention weights as views into the fused c_attn weight (3C, C) and bias (3C). */
function splitQkv<W extends Weight>(qkv: W, bias: W, C: number, proj: W, projBias: W): AttentionWeights<W> {
  return {
    q: weightSlice(qkv, 0, C * C),
    k: weightSlice(qkv, C * C, 2 * C * C),
    v: weightSlice(qkv, 2 * C * C, 3 * C * C),
    o: proj,
    qBias: weightSlice(bias, 0, C),
    kBias: weightSlice(bias, C, 2 * C),
    vBias: weightSlice(bias, 2 * C, 3 * C),
    oBias: projBias,
    fused: { weight: qkv, bias },
  };
}

export class Gpt2Block implements Block {
  private readonly p: (suffix: string) => string;
  private readonly dims: AttentionDims;

  constructor(
    readonly layer: number,
    private readonly config: Gpt2Config,
    private readonly params: WeightLookup,
  ) {
    this.p = (suffix) => GPT2_NAMES.layerPrefix(layer) + suffix;
    const C = config.hiddenSize;
    this.dims = { C, NH: config.numHeads, NKV: config.numHeads, HS: C / config.numHeads };
  }

  private attentionWeights<W extends Weight>(get: (name: string) => W): AttentionWeights<W> {
    const p = this.p;
    return splitQkv(
      get(p("attn.c_attn.weight")),
      get(p("attn.c_attn.bias")),
      this.dims.C,
      get(p(`${GPT2_NAMES.editSurface.attnOut}.weight`)),
      get(p(`${GPT2_NAMES.editSurface.attnOut}.bias`)),
    );
  }

  private mlpWeights<W extends Weight>(get: (name: string) => W): GeluMlpWeights<W> {
    const p = this.p;
    return {
      kind: "gelu",
      fcIn: get(p("mlp.c_fc.weight")),
      fcInBias: get(p("mlp.c_fc.bias")),
      fcOut: get(p(`${GPT2_NAMES.editSurface.mlpOut}.weight`)),
      fcOutBias: get(p(`${GPT2_NAMES.editSurface.mlpOut}.bias`)),
    };
  }

  forward(x: Float32Array, batch: Batch, deltas: readonly DeltaHook[]): BlockOutput {
    const { B, T } = batch;
    const N = B * T;
    const C = this.config.hiddenSize;
    const F = this.config.intermediateSize;
    const eps = this.config.layerNormEpsilon;
    const get = this.params;
    const p = this.p;
    const ln1 = new Float32Array(N * C);
    const mean1 = new Float32Array(N);
    const rstd1 = new Float32Array(N);
    layerNormForward(ln1, mean1, rstd1, x, get(p("ln_1.weight")), get(p("ln_1.bias")), N, C, eps);
    // r (N, C) = x + attn(ln_1(x)), the output projection accumulating onto a copy of x
    const attn = selfAttentionForward(ln1, this.attentionWeights(get), this.dims, null, batch, x.slice());
    const r = attn.out;
    addDeltas(r, deltas, "attn", T, C);
    const ln2 = new Float32Array(N * C);
    const mean2 = new Float32Array(N);
    const rstd2 = new Float32Array(N);
    layerNormForward(ln2, mean2, rstd2, r, get(p("ln_2.weight")), get(p("ln_2.bias")), N, C, eps);
    // out (N, C) = r + mlp(ln_2(r)); deltas at the sublayer outputs add straight onto the sums
    const mlp = mlpForward(ln2, this.mlpWeights(get), N, C, F, r.slice());
    const out = mlp.out;
    addDeltas(out, deltas, "mlp", T, C);
    addDeltas(out, deltas, "block", T, C);
    const saved: Saved = { x, ln1, mean1, rstd1, attn: attn.saved, r, ln2, mean2, rstd2, mlp: mlp.saved };
    return { out, key: mlp.saved.key, saved };
  }

  forwardIncremental(x: Float32Array, tokens: Batch, cache: KVCache): Float32Array {
    const N = tokens.B * tokens.T;
    const C = this.config.hiddenSize;
    const eps = this.config.layerNormEpsilon;
    const get = this.params;
    const p = this.p;
    const h = new Float32Array(N * C); // (N, C) ln_1(x), then ln_2(r)
    const mean = new Float32Array(N);
    const rstd = new Float32Array(N);
    layerNormForward(h, mean, rstd, x, get(p("ln_1.weight")), get(p("ln_1.bias")), N, C, eps);
    // r = x + attn(ln_1(x)), accumulated into x in place (nothing keeps it)
    const w = this.attentionWeights(get);
    const r = selfAttentionIncremental(h, w, this.dims, null, tokens, cache, this.layer, x);
    layerNormForward(h, mean, rstd, r, get(p("ln_2.weight")), get(p("ln_2.bias")), N, C, eps);
    return mlpForward(h, this.mlpWeights(get), N, C, this.config.intermediateSize, r).out;
  }

  backward(dout: Float32Array, fwd: BlockOutput, batch: Batch, grads: ParamLookup | null): BlockGradients {
    const s = fwd.saved as Saved;
    const N = batch.B * batch.T;
    const C = this.config.hiddenSize;
    const F = this.config.intermediateSize;
    const get = this.params;
    const p = this.p;
    // MLP branch: dr = dout + LN2ᵀ·MLPᵀ·dout
    const dr = Float32Array.from(dout);
    const dln2 = new Float32Array(N * C);
    const mlpGrads = grads ? this.mlpWeights(grads) : null;
    mlpBackward(dln2, dout, s.ln2, s.mlp, this.mlpWeights(get), mlpGrads, N, C, F);
    layerNormBackward(
      dr,
      grads ? grads(p("ln_2.weight")) : null,
      grads ? grads(p("ln_2.bias")) : null,
      dln2,
      s.r,
      get(p("ln_2.weight")),
      s.mean2,
      s.rstd2,
      N,
      C,
    );
    // Attention branch: dx = dr + LN1ᵀ·ATTNᵀ·dr
    const dx = Float32Array.from(dr);
    const dln1 = new Float32Array(N * C);
    const attnGrads: AttentionGrads | null = grads ? this.attentionWeights(grads) : null;
    selfAttentionBackward(
      dln1,
      dr,
      s.ln1,
      s.attn,
      this.attentionWeights(get),
      attnGrads,
      this.dims,
      null,
      batch,
    );
    layerNormBackward(
      dx,
      grads ? grads(p("ln_1.weight")) : null,
      grads ? grads(p("ln_1.bias")) : null,
      dln1,
      s.x,
      get(p("ln_1.weight")),
      s.mean1,
      s.rstd1,
      N,
      C,
    );
    return { dx, dAttnOut: dr, dMlpOut: dout };
  }
}
