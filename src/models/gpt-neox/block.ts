// One GPT-NeoX block (Black et al. 2022; HF modeling_gpt_neox.GPTNeoXLayer), two LayerNorms:
//   parallel (use_parallel_residual, Pythia): out = x + attn(ln_1(x)) + mlp(ln_2(x))
//   sequential:                                r = x + attn(ln_1(x));  out = r + mlp(ln_2(r))
// fused qkv with biases (regrouped to [q; k; v] at load), rotate-half RoPE on the first
// rotary_dim dims of each head, GELU MLP (exact erf GELU for Pythia's "gelu").
import type { GptNeoxConfig } from "../config.js";
import { GPT_NEOX_NAMES } from "./weights.js";
import { layerNormBackward, layerNormForward } from "../layers/layernorm.js";
import { mlpBackward, mlpForward, type GeluMlpWeights, type MlpSaved } from "../layers/mlp.js";
import type { RopeTable } from "../layers/rope.js";
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
import { weightSlice, type Weight } from "../layers/weight.js";

/** A LayerNorm's output and the statistics its backward needs. */
interface Normed {
  out: Float32Array;
  mean: Float32Array;
  rstd: Float32Array;
}

interface Saved {
  x: Float32Array;
  n1: Normed;
  attn: AttentionSaved;
  /** ln_2's input: x (parallel) or r = x + attn (sequential) */
  mlpIn: Float32Array;
  n2: Normed;
  mlp: MlpSaved;
}

export class GptNeoxBlock implements Block {
  private readonly p: (suffix: string) => string;
  private readonly dims: AttentionDims;

  constructor(
    readonly layer: number,
    private readonly config: GptNeoxConfig,
    private readonly params: WeightLookup,
    private readonly rope: RopeTable,
  ) {
    this.p = (suffix) => GPT_NEOX_NAMES.layerPrefix(layer) + suffix;
    const C = config.hiddenSize;
    this.dims = { C, NH: config.numHeads, NKV: config.numHeads, HS: C / config.numHeads };
  }

  private attentionWeights<W extends Weight>(get: (name: string) => W): AttentionWeights<W> {
    const p = this.p;
    const C = this.config.hiddenSize;
    const biased = this.config.attentionBias;
    const { attnOut } = GPT_NEOX_NAMES.editSurface;
    const qkv = get(p("attention.query_key_value.weight")); // (3C, C), rows [q; k; v]
    const bias = biased ? get(p("attention.query_key_value.bias")) : null;
    const part = (data: W, i: number, size: number) => weightSlice(data, i * size, (i + 1) * size);
    return {
      q: part(qkv, 0, C * C),
      k: part(qkv, 1, C * C),
      v: part(qkv, 2, C * C),
      o: get(p(`${attnOut}.weight`)),
      qBias: bias && part(bias, 0, C),
      kBias: bias && part(bias, 1, C),
      vBias: bias && part(bias, 2, C),
      oBias: biased ? get(p(`${attnOut}.bias`)) : null,
      fused: { weight: qkv, bias },
    };
  }

  private mlpWeights<W extends Weight>(get: (name: string) => W): GeluMlpWeights<W> {
    const p = this.p;
    const { mlpOut } = GPT_NEOX_NAMES.editSurface;
    return {
      kind: "gelu",
      fcIn: get(p("mlp.dense_h_to_4h.weight")),
      fcInBias: get(p("mlp.dense_h_to_4h.bias")),
      fcOut: get(p(`${mlpOut}.weight`)),
      fcOutBias: get(p(`${mlpOut}.bias`)),
      exact: this.config.activation === "gelu",
    };
  }

  private norm(name: string, x: Float32Array, N: number): Normed {
    const C = this.config.hiddenSize;
    const n = { out: new Float32Array(N * C), mean: new Float32Array(N), rstd: new Float32Array(N) };
    const get = this.params;
    const eps = this.config.layerNormEpsilon;
    layerNormForward(n.out, n.mean, n.rstd, x, get(this.p(`${name}.weight`)), get(this.p(`${name}.bias`)), N, C, eps);
    return n;
  }

  /** dinp += LNᵀ·dnormed for LayerNorm `name` applied to `inp` (and its parameter gradients). */
  private normBackward(name: string, dinp: Float32Array, dnormed: Float32Array, inp: Float32Array, n: Normed, grads: ParamLookup | null, N: number) {
    const w = this.p(`${name}.weight`);
    const b = this.p(`${name}.bias`);
    layerNormBackward(dinp, grads ? grads(w) : null, grads ? grads(b) : null, dnormed, inp, this.params(w), n.mean, n.rstd, N, this.config.hiddenSize);
  }

  forward(x: Float32Array, batch: Batch, deltas: readonly DeltaHook[]): BlockOutput {
    const { B, T } = batch;
    const N = B * T;
    const C = this.config.hiddenSize;
    const F = this.config.intermediateSize;
    const get = this.params;
    const n1 = this.norm("input_layernorm", x, N);
    // x + attn(ln_1(x)) (N, C), the output projection accumulating onto a copy of x
    const attn = selfAttentionForward(n1.out, this.attentionWeights(get), this.dims, this.rope, batch, x.slice());
    const parallel = this.config.parallelResidual;
    if (!parallel) addDeltas(attn.out, deltas, "attn", T, C);
    const mlpIn = parallel ? x : attn.out;
    const n2 = this.norm("post_attention_layernorm", mlpIn, N);
    // out (N, C) = x + attn + mlp (parallel) or r + mlp (sequential, r kept apart for the backward)
    const mlp = mlpForward(n2.out, this.mlpWeights(get), N, C, F, parallel ? attn.out : attn.out.slice());
    const out = mlp.out;
    for (const site of parallel ? (["attn", "mlp", "block"] as const) : (["mlp", "block"] as const))
      addDeltas(out, deltas, site, T, C);
    const saved: Saved = { x, n1, attn: attn.saved, mlpIn, n2, mlp: mlp.saved };
    return { out, key: mlp.saved.key, saved };
  }

  forwardIncremental(x: Float32Array, tokens: Batch, cache: KVCache): Float32Array {
    const N = tokens.B * tokens.T;
    const F = this.config.intermediateSize;
    const C = this.config.hiddenSize;
    const get = this.params;
    const h = this.norm("input_layernorm", x, N).out;
    if (this.config.parallelResidual) {
      const m = this.norm("post_attention_layernorm", x, N).out; // before x is overwritten
      selfAttentionIncremental(h, this.attentionWeights(get), this.dims, this.rope, tokens, cache, this.layer, x);
      return mlpForward(m, this.mlpWeights(get), N, C, F, x).out;
    }
    const r = selfAttentionIncremental(h, this.attentionWeights(get), this.dims, this.rope, tokens, cache, this.layer, x);
    return mlpForward(this.norm("post_attention_layernorm", r, N).out, this.mlpWeights(get), N, C, F, r).out;
  }

  backward(dout: Float32Array, fwd: BlockOutput, batch: Batch, grads: ParamLookup | null): BlockGradients {
    const s = fwd.saved as Saved;
    const N = batch.B * batch.T;
    const C = this.config.hiddenSize;
    const F = this.config.intermediateSize;
    const get = this.params;
    // MLP branch: the gradient reaching ln_2's input (x, or r in the sequential block)
    const dmlpIn = Float32Array.from(dout);
    const dn2 = new Float32Array(N * C);
    mlpBackward(dn2, dout, s.n2.out, s.mlp, this.mlpWeights(get), grads ? this.mlpWeights(grads) : null, N, C, F);
    this.normBackward("post_attention_layernorm", dmlpIn, dn2, s.mlpIn, s.n2, grads, N);
    // Parallel: the attention output also feeds the sum directly, so it sees dout, and the
    // MLP branch's gradient joins dx; sequential: it sees dr = dmlpIn.
    const parallel = this.config.parallelResidual;
    const dAttnOut = parallel ? dout : dmlpIn;
    const dx = Float32Array.from(dmlpIn);
    const dn1 = new Float32Array(N * C);
    const attnGrads = grads ? this.attentionWeights(grads) : null;
    selfAttentionBackward(dn1, dAttnOut, s.n1.out, s.attn, this.attentionWeights(get), attnGrads, this.dims, this.rope, batch);
    this.normBackward("input_layernorm", dx, dn1, s.x, s.n1, grads, N);
    return { dx, dAttnOut, dMlpOut: dout };
  }
}
