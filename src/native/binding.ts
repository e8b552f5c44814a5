// Typed binding to the locedit N-API addon (native/*.c): OpenBLAS GEMM/SYRK and LAPACKE
// Cholesky, symmetric eigendecomposition and SVD, row-major, float32 ("s") and float64 ("d"),
// and GEMM with a 16-bit float (F16/BF16) right-hand matrix for weights kept as stored.
// Every call checks that each matrix (offset, rows, columns, leading dimension) fits its array.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../util/package-root.js";

type F32 = Float32Array;
type F64 = Float64Array;

/** The 16-bit float formats weights may be kept in: IEEE binary16 and bfloat16. */
export type HalfDtype = "F16" | "BF16";

/** What the CPU reports (cpuid) and which widening path each 16-bit dtype takes. */
export interface HalfFeatures {
  avx2: boolean;
  f16c: boolean;
  avx512f: boolean;
  avx512bf16: boolean;
  f16Path: "avx512f" | "f16c" | "c";
  bf16Path: "avx512f" | "avx2" | "c";
}

/** C = alpha·op(A)·op(B) + beta·C with op(A) m×k, op(B) k×n, all row-major with leading dims. */
type Gemm<A> = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: A,
  aOffset: number,
  lda: number,
  b: A,
  bOffset: number,
  ldb: number,
  beta: number,
  c: A,
  cOffset: number,
  ldc: number,
) => void;

/** C (n×n, both triangles) = alpha·A·Aᵀ + beta·C, or alpha·Aᵀ·A when trans (A is k×n). */
type Syrk<A> = (
  trans: boolean,
  n: number,
  k: number,
  alpha: number,
  a: A,
  aOffset: number,
  lda: number,
  beta: number,
  c: A,
  ldc: number,
) => void;

export interface NativeAddon {
  sgemm: Gemm<F32>;
  dgemm: Gemm<F64>;
  ssyrk: Syrk<F32>;
  dsyrk: Syrk<F64>;
  /** In place: lower triangle becomes L with A = L·Lᵀ; throws if A is not positive definite. */
  spotrf(n: number, a: F32, lda: number): void;
  dpotrf(n: number, a: F64, lda: number): void;
  /** Solves (L·Lᵀ)·X = B in place of B (n×nrhs) given potrf's L. */
  spotrs(n: number, nrhs: number, l: F32, ldl: number, b: F32, ldb: number): void;
  dpotrs(n: number, nrhs: number, l: F64, ldl: number, b: F64, ldb: number): void;
  /**
   * Solves A·X = B for a general square A (n×n) by LU with partial pivoting: X replaces B (n×nrhs),
   * A is overwritten by its LU factors. Returns gecon's estimate of the reciprocal 1-norm condition
   * number of A; throws if A has a non-finite entry or is exactly singular.
   */
  sgesv(n: number, nrhs: number, a: F32, lda: number, b: F32, ldb: number): number;
  dgesv(n: number, nrhs: number, a: F64, lda: number, b: F64, ldb: number): number;
  /** In place: a becomes eigenvectors as columns; w gets ascending eigenvalues. */
  ssyevd(n: number, a: F32, w: F32): void;
  dsyevd(n: number, a: F64, w: F64): void;
  /** Thin SVD A (m×n) = U·diag(s)·Vᵀ; A is left intact. */
  sgesdd(m: number, n: number, a: F32, s: F32, u: F32, vt: F32): void;
  dgesdd(m: number, n: number, a: F64, s: F64, u: F64, vt: F64): void;
  /**
   * C = alpha·op(A)·op(B) + beta·C like sgemm, with B (a weight kept in its stored dtype) in F16 or
   * BF16 bits: B is widened exactly to float32 a panel at a time into a reused scratch and each
   * panel goes through sgemm, so only the summation order differs from sgemm on the widened B.
   */
  gemmHalf(
    dtype: HalfDtype,
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: F32,
    aOffset: number,
    lda: number,
    b: Uint16Array,
    bOffset: number,
    ldb: number,
    beta: number,
    c: F32,
    cOffset: number,
    ldc: number,
  ): void;
  /** dst[dstOffset + i] = src[srcOffset + i] widened exactly, i < count; `portable` forces the plain C loop. */
  widenHalf(
    dtype: HalfDtype,
    src: Uint16Array,
    srcOffset: number,
    dst: F32,
    dstOffset: number,
    count: number,
    portable?: boolean,
  ): void;
  halfFeatures(): HalfFeatures;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /**
   * Causal (grouped-query) attention over a batch: per (row b, head h), P = softmax(scale·Q·Kᵀ)
   * with future and padded keys masked, O = P·V. q/k/v/out are (B·T, heads·HS) with leading dims;
   * att (B, NH, T, T) receives P.
   */
  attentionForward(
    B: number,
    T: number,
    NH: number,
    NKV: number,
    HS: number,
    ldq: number,
    ldk: number,
    ldv: number,
    ldo: number,
    q: F32,
    k: F32,
    v: F32,
    keyMask: Uint8Array,
    out: F32,
    att: F32,
  ): void;
  /** Backward of attentionForward: accumulates into dq, dk, dv (dout uses ldo). */
  attentionBackward(
    B: number,
    T: number,
    NH: number,
    NKV: number,
    HS: number,
    ldq: number,
    ldk: number,
    ldv: number,
    ldo: number,
    q: F32,
    k: F32,
    v: F32,
    att: F32,
    dout: F32,
    dq: F32,
    dk: F32,
    dv: F32,
  ): void;
  /**
   * Inference-only attention of Tq new queries per row over Tk cached + new keys (a KV cache):
   * q/out are (B·Tq, heads·HS); row b's keys/values start at row b·kvRows of k/v and its mask at
   * b·kvRows of keyMask (B, kvRows). Query i sees keys j ≤ Tk − Tq + i whose mask is 1.
   */
  attentionIncremental(
    B: number,
    Tq: number,
    Tk: number,
    NH: number,
    NKV: number,
    HS: number,
    ldq: number,
    ldk: number,
    ldv: number,
    ldo: number,
    kvRows: number,
    q: F32,
    k: F32,
    v: F32,
    keyMask: Uint8Array,
    out: F32,
  ): void;
  /**
   * Causal attention of T new tokens per row that also see P cached earlier positions: per (row b,
   * head h), Pr = softmax(scale·Q·[Kp ; K]ᵀ) with padded keys masked (prefixMask (B·P), keyMask
   * (B·T)) and new key j visible to query i only when j ≤ i; O = Pr·[Vp ; V]. q/k/v/out are
   * (B·T, heads·HS) with leading dims; prefixKeys/prefixValues are packed (B·P, NKV·HS); att
   * (B, NH, T, P + T) receives Pr, prefix columns first.
   */
  attentionPrefixForward(
    B: number,
    T: number,
    P: number,
    NH: number,
    NKV: number,
    HS: number,
    ldq: number,
    ldk: number,
    ldv: number,
    ldo: number,
    q: F32,
    k: F32,
    v: F32,
    keyMask: Uint8Array,
    prefixKeys: F32,
    prefixValues: F32,
    prefixMask: Uint8Array,
    out: F32,
    att: F32,
  ): void;
  /** Backward of attentionPrefixForward: accumulates into dq and the new tokens' dk, dv (the prefix is constant). */
  attentionPrefixBackward(
    B: number,
    T: number,
    P: number,
    NH: number,
    NKV: number,
    HS: number,
    ldq: number,
    ldk: number,
    ldv: number,
    ldo: number,
    q: F32,
    k: F32,
    v: F32,
    prefixKeys: F32,
    prefixValues: F32,
    att: F32,
    dout: F32,
    dq: F32,
    dk: F32,
    dv: F32,
  ): void;
  /** LayerNorm over rows of C: out, mean (N), rstd (N) from inp (N·C), weight, bias (C). */
  layerNormForward(
    out: F32,
    mean: F32,
    rstd: F32,
    inp: F32,
    weight: F32,
    bias: F32,
    N: number,
    C: number,
    eps: number,
  ): void;
  /** Accumulates (+=) dinp and, when given, dweight and dbias. */
  layerNormBackward(
    dinp: F32,
    dweight: F32 | null,
    dbias: F32 | null,
    dout: F32,
    inp: F32,
    weight: F32,
    mean: F32,
    rstd: F32,
    N: number,
    C: number,
  ): void;
  /** RMSNorm over rows of C: out and rstd (N) from inp (N·C) and weight (C). */
  rmsNormForward(out: F32, rstd: F32, inp: F32, weight: F32, N: number, C: number, eps: number): void;
  /** Accumulates (+=) dinp and, when given, dweight. */
  rmsNormBackward(
    dinp: F32,
    dweight: F32 | null,
    dout: F32,
    inp: F32,
    weight: F32,
    rstd: F32,
    N: number,
    C: number,
  ): void;
  /**
   * rename(from, to) only if nothing exists at `to`, atomically (renameat2 RENAME_NOREPLACE).
   * Errors carry the errno name as `code` (EEXIST, ENOTEMPTY; EINVAL where the filesystem lacks it).
   */
  renameNoReplace(from: string, to: string): void;
  /** Swaps two existing paths atomically (renameat2 RENAME_EXCHANGE); errors as renameNoReplace. */
  renameExchange(a: string, b: string): void;
  /** y = gelu_tanh(x) elementwise; y may be x. */
  geluTanh(x: F32, y: F32): void;
  /** dx += dy · gelu_tanh'(x) elementwise, over x's length. */
  geluTanhBackward(dx: F32, dy: F32, x: F32): void;
  /**
   * One AdamW step of one tensor, in place (src/training/adamw.ts): grad ← grad·gradScale when
   * gradScale < 1; m, v moments; param ← param·decayFactor − stepSize·m/(√v/rootCorrection2 + eps).
   */
  adamwUpdate(
    param: F32,
    grad: F32,
    m: F32,
    v: F32,
    gradScale: number,
    beta1: number,
    beta2: number,
    eps: number,
    stepSize: number,
    rootCorrection2: number,
    decayFactor: number,
  ): void;
  /** Σ x² in float64, in index order. */
  sumSquares(x: F32): number;
  /**
   * Softmax cross-entropy of M = targets.length rows of logits (M·V): fills dlogits (M·V) with
   * w·(softmax − onehot) and logprobs (M) with each target's log-probability; returns Σ −w·logprob.
   */
  /**
   * glibc malloc settings for a training process (native/training.c): freed blocks up to 32 MiB
   * stay in the heap for the next step instead of going back to the kernel. Returns whether they
   * were applied (false outside glibc). Results are unchanged; the process keeps its peak memory.
   */
  keepFreedMemory(): boolean;
  crossEntropyRows(
    logits: F32,
    V: number,
    targets: Int32Array,
    weights: F64 | null,
    dlogits: F32,
    logprobs: F64,
  ): number;
}

function findAddon(): string {
  const path = join(packageRoot(), "build", "Release", "locedit_native.node");
  if (existsSync(path)) return path;
  throw new Error(
    `locedit: the native addon ${path} is missing; run \`npm run build:native\` ` +
      "(needs libopenblas-dev and liblapacke-dev)",
  );
}

const require = createRequire(import.meta.url);

/** The loaded addon; every dense kernel in locedit goes through it. */
export const native: NativeAddon = require(findAddon()) as NativeAddon;
