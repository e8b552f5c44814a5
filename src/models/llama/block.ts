// One Llama block (Touvron et al. 2023; HF modeling_llama.LlamaDecoderLayer), pre-RMSNorm:
//   r = x + attn(rms_1(x));  out = r + mlp(rms_2(r))
// rotate-half rotary on whole heads, grouped-query attention, SwiGLU MLP. The same block runs
// Mistral (modeling_mistral: identical within its sliding window), Qwen2/2.5 (modeling_qwen2:
// biases on q, k, v) and Qwen3 (modeling_qwen3: q = rms_q(W_q·x) and k = rms_k(W_k·x) per head
// before RoPE), as switches of LlamaConfig.
import type { LlamaConfig } from "../config.js";
import { LLAMA_NAMES } from "./weights.js";
import { mlpBackward, mlpForward, type GluMlpWeights, type MlpSaved } from "../layers/mlp.js";
import { rmsNormBackward, rmsNormForward } from "../layers/rmsnorm.js";
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
  n1: Float32Array;
  rstd1: Float32Array;
  attn: AttentionSaved;
  r: Float32Array;
  n2: Float32Array;
  rstd2: Float32Array;
  mlp: MlpSaved;
}

export class LlamaBlock implements Block {
  private readonly p: (suffix: string) => string;
  private readonly dims: AttentionDims;

  constructor(
    readonly layer: number,
    private readonly config: LlamaConfig,
    private readonly params: WeightLookup,
    private readonly rope: RopeTable,
  ) {
    this.p = (suffix) => LLAMA_NAMES.layerPrefix(layer) + suffix;
    this.dims = {
      C: config.hiddenSize,
      NH: config.numHeads,
      NKV: config.numKeyValueHeads,
      HS: config.headDim,
    };
  }

  private attentionWeights<W extends Weight>(get: (name: string) => W): AttentionWeights<W> {
    const p = this.p;
    const { attnOut } = LLAMA_NAMES.editSurface;
    const { attentionBias, qkvBias, qkNorm, rmsNormEps } = this.config;
    // Llama: attention_bias puts biases on q, k, v and o; Qwen2 has them on q, k and v only
    const bias = (module: string) =>
      attentionBias || (qkvBias && module !== attnOut) ? get(p(`${module}.bias`)) : null;
    return {
      q: get(p("self_attn.q_proj.weight")),
      k: get(p("self_attn.k_proj.weight")),
      v: get(p("self_attn.v_proj.weight")),
      o: get(p(`${attnOut}.weight`)),
      qBias: bias("self_attn.q_proj"),
      kBias: bias("self_attn.k_proj"),
      vBias: bias("self_attn.v_proj"),
      oBias: bias(attnOut),
      qkNorm: qkNorm
        ? { q: get(p("self_attn.q_norm.weight")), k: get(p("self_attn.k_norm.weight")), eps: rmsNormEps }
        : null,
    };
  }

  private mlpWeights<W extends Weight>(get: (name: string) => W): GluMlpWeights<W> {
    const p = this.p;
    const { mlpOut } = LLAMA_NAMES.editSurface;
    const bias = (module: string) => (this.config.mlpBias ? get(p(`${module}.bias`)) : null);
    return {
      kind: "swiglu",
      gate: get(p("mlp.gate_proj.weight")),
      up: get(p("mlp.up_proj.weight")),
      down: get(p(`${mlpOut}.weight`)),
      gateBias: bias("mlp.gate_proj"),
      upBias: bias("mlp.up_proj"),
      downBias: bias(mlpOut),
    };
  }

  forward(x: Float32Array, batch: Batch, deltas: readonly DeltaHook[]): BlockOutput {
    const { B, T } = batch;
    const N = B * T;
    const C = this.config.hiddenSize;
    const F = this.config.intermediateSize;
    const eps = this.config.rmsNormEps;
    const get = this.params;
    const p = this.p;
    const n1 = new Float32Array(N * C);
    const rstd1 = new Float32Array(N);
    rmsNormForward(n1, rstd1, x, get(p("input_layernorm.weight")), N, C, eps);
    // r (N, C) = x + attn(rms_1(x)), the output projection accumulating onto a copy of x
    const attn = selfAttentionForward(n1, this.attentionWeights(get), this.dims, this.rope, batch, x.slice());
    const r = attn.out;
    addDeltas(r, deltas, "attn", T, C);
    const n2 = new Float32Array(N * C);
    const rstd2 = new Float32Array(N);
    rmsNormForward(n2, rstd2, r, get(p("post_attention_layernorm.weight")), N, C, eps);
    // out (N, C) = r + mlp(rms_2(r)); deltas at the sublayer outputs add straight onto the sums
    const mlp = mlpForward(n2, this.mlpWeights(get), N, C, F, r.slice());
    const out = mlp.out;
    addDeltas(out, deltas, "mlp", T, C);
    addDeltas(out, deltas, "block", T, C);
    const saved: Saved = { x, n1, rstd1, attn: attn.saved, r, n2, rstd2, mlp: mlp.saved };
    return { out, key: mlp.saved.key, saved };
  }

  forwardIncremental(x: Float32Array, tokens: Batch, cache: KVCache): Float32Array {
    const N = tokens.B * tokens.T;
    const C = this.config.hiddenSize;
    const eps = this.config.rmsNormEps;
    const get = this.params;
    const p = this.p;
    const h = new Float32Array(N * C); // (N, C) rms_1(x), then rms_2(r)
    const rstd = new Float32Array(N);
    rmsNormForward(h, rstd, x, get(p("input_layernorm.weight")), N, C, eps);
    // r = x + attn(rms_1(x)), accumulated into x in place (nothing keeps it)
    const w = this.attentionWeights(get);
    const r = selfAttentionIncremental(h, w, this.dims, this.rope, tokens, cache, this.layer, x);
    rmsNormForward(h, rstd, r, get(p("post_attention_layernorm.weight")), N, C, eps);
    return mlpForward(h, this.mlpWeights(get), N, C, this.config.intermediateSize, r).out;
  }

  backward(dout: Float32Array, fwd: BlockOutput, batch: Batch, grads: ParamLookup | null): BlockGradients {
    const s = fwd.saved as Saved;
    const N = batch.B * batch.T;
    const C = this.config.hiddenSize;
    const F = this.config.intermediateSize;
    const get = this.params;
    const p = this.p;
    const dr = Float32Array.from(dout);
    const dn2 = new Float32Array(N * C);
    const mlpGrads = grads ? this.mlpWeights(grads) : null;
    mlpBackward(dn2, dout, s.n2, s.mlp, this.mlpWeights(get), mlpGrads, N, C, F);
    const post = p("post_attention_layernorm.weight");
    rmsNormBackward(dr, grads ? grads(post) : null, dn2, s.r, get(post), s.rstd2, N, C);
    const dx = Float32Array.from(dr);
    const dn1 = new Float32Array(N * C);
    const attnGrads = grads ? this.attentionWeights(grads) : null;
    selfAttentionBackward(
      dn1,
      dr,
      s.n1,
      s.attn,
      this.attentionWeights(get),
      attnGrads,
      this.dims,
      this.rope,
      batch,
    );
    const input = p("input_layernorm.weight");
    rmsNormBackward(dx, grads ? grads(input) : null, dn1, s.x, get(input), s.rstd1, N, C);
    return { dx, dAttnOut: dr, dMlpOut: dout };
  }
}
