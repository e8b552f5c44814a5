// A causal language model over any supported architecture: token (and position) embedding,
// the stack of blocks, the final norm and the LM head, with
//  - forward from the embedding or from a cached hidden state entering any layer,
//  - delta hooks at a layer's attention output, MLP output or block output (ARCHITECTURE.md §2),
//  - logits only at the positions asked for,
//  - inference-only incremental forward of new tokens against a KV cache (generation),
//  - backward from the logits to a chosen layer's hidden state / delta sites (editing), or all the
//    way to every parameter (training).
// Parameters are float32 or kept in the checkpoint's 16-bit dtype (layers/weight.ts); `param`
// hands out a float32 array to edit, widening a 16-bit one once and keeping it in float32 after.
import type { SafetensorsDtype } from "../io/dtypes.js";
import { architectureFor, type Architecture } from "./architecture.js";
import { headDimOf, kvHeadsOf, type ModelConfig } from "./config.js";
import { KVCache } from "./kv-cache.js";
import { layerNormBackward, layerNormForward } from "./layers/layernorm.js";
import { linearBackward, linearForward } from "./layers/linear.js";
import { rmsNormBackward, rmsNormForward } from "./layers/rmsnorm.js";
import { HalfTensor, readRow, type Weight } from "./layers/weight.js";
import type { ParamSpec } from "./param-spec.js";
import type { Batch, Block, BlockGradients, BlockOutput, DeltaHook, ParamLookup } from "./types.js";

/** A token whose logits are wanted: batch row and position. */
export interface LogitPosition {
  row: number;
  position: number;
}

export interface ForwardOptions {
  deltas?: readonly DeltaHook[];
  /** start at `layer` with `hidden` (N, C), the residual stream entering it, instead of the embedding */
  start?: { layer: number; hidden: Float32Array };
  /** run blocks up to (excluding) this layer; below numLayers no logits are computed */
  endLayer?: number;
  /** "all" (default), "none", or a list of positions */
  logits?: "all" | "none" | readonly LogitPosition[];
  /**
   * keep the activations the backward needs: true for every layer run, or only from a layer up
   * (a backward that stops at layer l needs nothing below it)
   */
  keepActivations?: boolean | { fromLayer: number };
  /** layers whose block output and key to keep (always kept when keepActivations) */
  captureLayers?: readonly number[];
}

export interface ForwardTrace {
  batch: Batch;
  startLayer: number;
  endLayer: number;
  /** residual stream entering startLayer (N, C) */
  input: Float32Array;
  /** per layer: block output, key and (when kept) saved activations; undefined when not kept */
  layers: (BlockOutput | undefined)[];
  /** residual stream after the last block run (N, C) */
  hidden: Float32Array;
  /** flattened token index (row·T + position) of each logits row */
  logitRows: Int32Array;
  /** (M, V) */
  logits: Float32Array;
  norm: { input: Float32Array; out: Float32Array; mean: Float32Array; rstd: Float32Array } | null;
}

/** New tokens for forwardIncremental: T per row for the cache's B rows (left padding allowed). */
export interface IncrementalTokens {
  B: number;
  T: number;
  /** (B·T) token ids; padding holds any valid id */
  ids: Int32Array;
  /** (B·T) 1 for real tokens, 0 for padding; default all 1 */
  mask?: Uint8Array;
}

export interface IncrementalOptions {
  /**
   * "last" (default): each row's last new token; "all" new tokens; "none"; or positions among
   * the new tokens (0 ≤ position < T)
   */
  logits?: "last" | "all" | "none" | readonly LogitPosition[];
}

export interface IncrementalResult {
  /** the new tokens' position ids (B·T), continuing each cached row */
  positions: Int32Array;
  /** residual stream after the last block, new tokens only (B·T, C) */
  hidden: Float32Array;
  /** index (row·T + position) among the new tokens of each logits row */
  logitRows: Int32Array;
  /** (M, V) */
  logits: Float32Array;
}

export interface BackwardOptions {
  /** stop at this layer (default: the trace's start layer) */
  downTo?: number;
  /** also run that layer's own backward, giving its attention/MLP site gradients (default true) */
  through?: boolean;
  /** accumulate parameter gradients into these buffers (same names as the parameters) */
  grads?: ParamLookup | null;
}

export interface BackwardResult {
  /** gradient with respect to the output of layer `downTo` (N, C): the "block" delta site */
  dOut: Float32Array;
  /** that layer's own gradients when `through`: dx (its input), dAttnOut, dMlpOut */
  block: BlockGradients | null;
}

/** Where a loaded model's parameters came from (loadModel sets it; saving reuses unchanged files). */
export interface CheckpointOrigin {
  dir: string;
  /** the safetensors files of the folder */
  files: string[];
  /** canonical name → dtype the checkpoint stores it in */
  dtypes: Map<string, SafetensorsDtype>;
  /** canonical name → tensor name in the file */
  fileNames: Map<string, string>;
  /** the arrays as loaded: a parameter still held in one of them and never handed out by `param` is unchanged */
  loaded: WeakSet<Weight>;
}

export class CausalLM {
  readonly arch: Architecture;
  readonly blocks: Block[];
  readonly specs: ParamSpec[];
  /** the checkpoint folder the parameters were read from, when loaded from one */
  origin: CheckpointOrigin | null = null;
  /** names `param` has handed out as writable float32 arrays (possibly changed since loading) */
  readonly handedOut = new Set<string>();

  constructor(
    readonly config: ModelConfig,
    readonly params: Map<string, Weight>,
  ) {
    this.arch = architectureFor(config);
    this.specs = this.arch.specs;
    for (const spec of this.specs) {
      if (spec.tiedTo) params.set(spec.name, this.weight(spec.tiedTo));
      else this.weight(spec.name);
    }
    this.blocks = this.arch.buildBlocks((name) => this.weight(name));
  }

  get numLayers(): number {
    return this.config.numLayers;
  }

  /** A parameter as held (float32, or the stored 16-bit bits) by canonical name; throws naming it when absent. */
  weight(name: string): Weight {
    const value = this.params.get(name);
    if (!value) throw new Error(`model parameter '${name}' is missing (${this.config.arch} layout)`);
    return value;
  }

  /**
   * A parameter as a float32 array to read or change in place (editing, training). One kept in
   * 16 bits is widened (exactly) and held in float32 from then on, so small updates to it are not
   * lost to rounding; tied parameters keep sharing it.
   */
  param(name: string): Float32Array {
    const value = this.weight(name);
    const wide = value instanceof HalfTensor ? value.toFloat32() : value;
    for (const [other, held] of this.params)
      if (held === value) {
        this.params.set(other, wide);
        this.handedOut.add(other);
      }
    return wide;
  }

  /** Bytes the parameters take in memory (tied ones counted once). */
  parameterBytes(): number {
    let bytes = 0;
    for (const w of new Set(this.params.values())) bytes += w instanceof HalfTensor ? w.bits.byteLength : w.byteLength;
    return bytes;
  }

  /** Puts `weight` (same length) in place of parameter `name` and of the parameters tied to it. */
  replaceWeight(name: string, weight: Weight): void {
    const held = this.weight(name);
    if (held.length !== weight.length)
      throw new Error(`replacing '${name}': ${weight.length} values for a parameter of ${held.length}`);
    for (const [other, value] of this.params) if (value === held) this.params.set(other, weight);
  }

  /** Residual stream entering layer 0: token embedding (+ learned position embedding). (N, C) */
  embed(batch: Batch): Float32Array {
    const C = this.config.hiddenSize;
    const N = batch.B * batch.T;
    const wte = this.weight(this.arch.embedding.tokens);
    const wpe = this.arch.embedding.positions ? this.weight(this.arch.embedding.positions) : null;
    const row = wpe ? new Float32Array(C) : null; // one position embedding row
    const V = this.config.vocabSize;
    const limit = this.arch.positionLimit;
    const out = new Float32Array(N * C);
    for (let n = 0; n < N; n++) {
      const id = batch.ids[n];
      if (id < 0 || id >= V) throw new Error(`token id ${id} is outside the vocabulary (size ${V})`);
      readRow(wte, id, C, out, n * C);
      const pos = batch.positions[n];
      if (limit && pos >= limit.positions)
        throw new Error(`position ${pos} exceeds the model's ${limit.positions} positions (${limit.why})`);
      if (wpe && row) {
        readRow(wpe, pos, C, row, 0);
        for (let c = 0; c < C; c++) out[n * C + c] += row[c];
      }
    }
    return out;
  }

  forward(batch: Batch, options: ForwardOptions = {}): ForwardTrace {
    const L = this.numLayers;
    const startLayer = options.start?.layer ?? 0;
    const endLayer = options.endLayer ?? L;
    if (startLayer < 0 || startLayer > endLayer || endLayer > L)
      throw new Error(`layer range [${startLayer}, ${endLayer}) is not within the model's ${L} layers`);
    const input = options.start ? options.start.hidden : this.embed(batch);
    const deltas = options.deltas ?? [];
    const keepOption = options.keepActivations ?? false;
    const keepFrom = keepOption === true ? 0 : keepOption === false ? L : keepOption.fromLayer;
    const capture = new Set(options.captureLayers ?? []);
    const layers: (BlockOutput | undefined)[] = new Array(L);
    let x = input;
    for (let l = startLayer; l < endLayer; l++) {
      const out = this.blocks[l].forward(
        x,
        batch,
        deltas.filter((d) => d.layer === l),
      );
      if (l >= keepFrom) layers[l] = out;
      else if (capture.has(l)) layers[l] = { out: out.out, key: out.key, saved: null };
      x = out.out;
    }
    const trace: ForwardTrace = {
      batch,
      startLayer,
      endLayer,
      input,
      layers,
      hidden: x,
      logitRows: new Int32Array(0),
      logits: new Float32Array(0),
      norm: null,
    };
    const want = options.logits ?? "all";
    if (endLayer === L && want !== "none") Object.assign(trace, this.head(x, batch.B, batch.T, want));
    return trace;
  }

  /** An empty KV cache for B rows of this model, with room for `capacity` positions before it grows. */
  newKVCache(B: number, capacity?: number): KVCache {
    return new KVCache({ B, numLayers: this.numLayers, kvWidth: this.kvWidth }, capacity);
  }

  /** Floats per position of one layer's cached keys: NKV · HS. */
  get kvWidth(): number {
    return kvHeadsOf(this.config) * headDimOf(this.config);
  }

  /**
   * Inference only: runs T new tokens per row through every block, attending to the cached keys
   * (causal among the new tokens, padding masked), appends their keys and values to the cache and
   * computes logits where asked. Prefill is the first call (e.g. a whole left-padded prompt); a
   * decoding step is T = 1. Equal to the full forward over the whole sequence at those positions.
   */
  forwardIncremental(tokens: IncrementalTokens, cache: KVCache, options: IncrementalOptions = {}): IncrementalResult {
    const { B, T, ids } = tokens;
    if (cache.B !== B || cache.numLayers !== this.numLayers || cache.kvWidth !== this.kvWidth)
      throw new Error(
        `KV cache (B ${cache.B}, ${cache.numLayers} layers, width ${cache.kvWidth}) does not fit ${B} rows ` +
          `of this model (${this.numLayers} layers, width ${this.kvWidth})`,
      );
    if (ids.length !== B * T) throw new Error(`forwardIncremental: ${ids.length} token ids, expected B·T = ${B}·${T}`);
    const mask = tokens.mask ?? new Uint8Array(B * T).fill(1);
    const batch: Batch = { B, T, ids, mask, positions: cache.positionsFor(mask, T) };
    let x = this.embed(batch); // checks ids and positions before the cache changes
    cache.extend(mask, T);
    for (const block of this.blocks) x = block.forwardIncremental(x, batch, cache);
    const want = options.logits ?? "last";
    const rows = want === "last" ? Array.from({ length: B }, (_, row) => ({ row, position: T - 1 })) : want;
    const head = rows === "none" ? null : this.head(x, B, T, rows);
    return {
      positions: batch.positions,
      hidden: x,
      logitRows: head?.logitRows ?? new Int32Array(0),
      logits: head?.logits ?? new Float32Array(0),
    };
  }

  /** Final norm and LM head at the rows `want` of hidden (B·T, C). */
  private head(hidden: Float32Array, B: number, T: number, want: "all" | readonly LogitPosition[]) {
    const C = this.config.hiddenSize;
    const V = this.config.vocabSize;
    const rows =
      want === "all"
        ? Int32Array.from({ length: B * T }, (_, i) => i)
        : Int32Array.from(want, (p) => {
            if (p.row < 0 || p.row >= B || p.position < 0 || p.position >= T)
              throw new Error(
                `logit position (row ${p.row}, position ${p.position}) is outside the ${B}×${T} batch`,
              );
            return p.row * T + p.position;
          });
    const M = rows.length;
    const input = new Float32Array(M * C); // (M, C) selected rows of the final hidden state
    for (let m = 0; m < M; m++) input.set(hidden.subarray(rows[m] * C, rows[m] * C + C), m * C);
    const out = new Float32Array(M * C);
    const mean = new Float32Array(M);
    const rstd = new Float32Array(M);
    const fn = this.arch.finalNorm;
    if (fn.kind === "layernorm")
      layerNormForward(
        out,
        mean,
        rstd,
        input,
        this.weight(fn.weight),
        this.weight(fn.bias as string),
        M,
        C,
        fn.eps,
      );
    else rmsNormForward(out, rstd, input, this.weight(fn.weight), M, C, fn.eps);
    // logits (M, V) = normed (M, C) · Wᵀ (C, V) + b
    const logits = new Float32Array(M * V);
    const { lmHead } = this.arch;
    linearForward(logits, out, this.weight(lmHead.weight), lmHead.bias ? this.weight(lmHead.bias) : null, M, C, V);
    return { logitRows: rows, logits, norm: { input, out, mean, rstd } };
  }

  /** Backward from dlogits (M, V) of a trace made with keepActivations. */
  backward(trace: ForwardTrace, dlogits: Float32Array, options: BackwardOptions = {}): BackwardResult {
    const downTo = options.downTo ?? trace.startLayer;
    const through = options.through ?? true;
    const grads = options.grads ?? null;
    if (!trace.norm) throw new Error("backward needs a forward trace that computed logits");
    if (downTo < trace.startLayer || downTo >= trace.endLayer)
      throw new Error(
        `cannot backpropagate to layer ${downTo}: the trace ran layers [${trace.startLayer}, ${trace.endLayer})`,
      );
    const { B, T } = trace.batch;
    const N = B * T;
    const C = this.config.hiddenSize;
    const V = this.config.vocabSize;
    const { input, out, mean, rstd } = trace.norm;
    const M = trace.logitRows.length;
    // LM head: dnorm (M, C) = dlogits · W; dW += dlogitsᵀ · normed; db += Σ dlogits.
    const { lmHead } = this.arch;
    const dnorm = new Float32Array(M * C);
    const dhead = grads ? grads(lmHead.weight) : null;
    const dheadBias = grads && lmHead.bias ? grads(lmHead.bias) : null;
    linearBackward(dnorm, dhead, dheadBias, dlogits, out, this.weight(lmHead.weight), M, C, V);
    const fn = this.arch.finalNorm;
    const dsel = new Float32Array(M * C);
    if (fn.kind === "layernorm")
      layerNormBackward(
        dsel,
        grads ? grads(fn.weight) : null,
        grads ? grads(fn.bias as string) : null,
        dnorm,
        input,
        this.weight(fn.weight),
        mean,
        rstd,
        M,
        C,
      );
    else
      rmsNormBackward(dsel, grads ? grads(fn.weight) : null, dnorm, input, this.weight(fn.weight), rstd, M, C);
    let dx: Float32Array = new Float32Array(N * C); // gradient of the residual stream, flowing down
    for (let m = 0; m < M; m++) {
      const r = trace.logitRows[m] * C;
      for (let c = 0; c < C; c++) dx[r + c] += dsel[m * C + c];
    }
    for (let l = trace.endLayer - 1; l > downTo; l--) dx = this.blockBackward(trace, l, dx, grads).dx;
    if (!through) return { dOut: dx, block: null };
    const block = this.blockBackward(trace, downTo, dx, grads);
    if (grads && downTo === 0 && trace.startLayer === 0) this.embeddingBackward(trace.batch, block.dx, grads);
    return { dOut: dx, block };
  }

  private blockBackward(trace: ForwardTrace, l: number, dout: Float32Array, grads: ParamLookup | null) {
    const fwd = trace.layers[l];
    if (!fwd || fwd.saved === null)
      throw new Error(`layer ${l} activations were not kept: forward with keepActivations`);
    return this.blocks[l].backward(dout, fwd, trace.batch, grads);
  }

  private embeddingBackward(batch: Batch, dx: Float32Array, grads: ParamLookup): void {
    const C = this.config.hiddenSize;
    const dwte = grads(this.arch.embedding.tokens);
    const dwpe = this.arch.embedding.positions ? grads(this.arch.embedding.positions) : null;
    for (let n = 0; n < batch.B * batch.T; n++) {
      const id = batch.ids[n] * C;
      const pos = batch.positions[n] * C;
      for (let c = 0; c < C; c++) {
        dwte[id + c] += dx[n * C + c];
        if (dwpe) dwpe[pos + c] += dx[n * C + c];
      }
    }
  }
}
