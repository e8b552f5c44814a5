/* Causal (grouped-query) scaled dot-product attention, forward and backward, for a whole batch in
 * one call (Vaswani et al. 2017, eq. 1; GQA: Ainslie et al. 2023): per (batch row b, head h),
 *   S = scale·Q_bh·K_gᵀ,  P = causal_masked_softmax(S),  O_bh = P·V_g,  g = h / (NH / NKV).
 * Q, K, V, O are row-major (B·T, heads·HS) blocks with their own leading dimensions, so views into
 * a fused QKV buffer work too. The products go through OpenBLAS; the softmax is fast/softmax.c.
 * attentionIncremental is the inference-only rectangular case of a KV cache: Tq new queries per row
 * over Tk = cached + new keys, query i standing at absolute index Tk − Tq + i. */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include "args.h"
#include "attention.h"
#include "fast/softmax.h"

typedef struct {
  int64_t B, T, NH, NKV, HS, ldq, ldk, ldv, ldo;
} Dims;

static int read_dims(napi_env env, napi_value *argv, const char *fn, Dims *d) {
  return get_int(env, argv[0], fn, "B", &d->B) && get_int(env, argv[1], fn, "T", &d->T) &&
         get_int(env, argv[2], fn, "NH", &d->NH) && get_int(env, argv[3], fn, "NKV", &d->NKV) &&
         get_int(env, argv[4], fn, "HS", &d->HS) && get_int(env, argv[5], fn, "ldq", &d->ldq) &&
         get_int(env, argv[6], fn, "ldk", &d->ldk) && get_int(env, argv[7], fn, "ldv", &d->ldv) &&
         get_int(env, argv[8], fn, "ldo", &d->ldo);
}

static int check_dims(napi_env env, const Dims *d, const char *fn) {
  if (d->B < 1 || d->T < 1 || d->NH < 1 || d->NKV < 1 || d->HS < 1 || d->NH % d->NKV != 0)
    return throw_error(env, fn, "sizes must be positive and NH a multiple of NKV");
  if (d->ldq < d->NH * d->HS || d->ldo < d->NH * d->HS || d->ldk < d->NKV * d->HS || d->ldv < d->NKV * d->HS)
    return throw_error(env, fn, "a leading dimension is smaller than heads × head size");
  return 1;
}

/* attentionForward(B, T, NH, NKV, HS, ldq, ldk, ldv, ldo, q, k, v, keyMask, out, att) */
napi_value js_attention_forward(napi_env env, napi_callback_info info) {
  const char *fn = "attentionForward";
  napi_value argv[15];
  Dims d;
  TypedView q, k, v, mask, out, att;
  if (!get_args(env, info, 15, argv, fn) || !read_dims(env, argv, fn, &d) || !check_dims(env, &d, fn) ||
      !get_view(env, argv[9], napi_float32_array, fn, "q", &q) ||
      !get_view(env, argv[10], napi_float32_array, fn, "k", &k) ||
      !get_view(env, argv[11], napi_float32_array, fn, "v", &v) ||
      !get_view(env, argv[12], napi_uint8_array, fn, "keyMask", &mask) ||
      !get_view(env, argv[13], napi_float32_array, fn, "out", &out) ||
      !get_view(env, argv[14], napi_float32_array, fn, "att", &att))
    return NULL;
  const int64_t N = d.B * d.T;
  if (!check_matrix(env, &q, 0, N, d.NH * d.HS, d.ldq, fn, "q") ||
      !check_matrix(env, &k, 0, N, d.NKV * d.HS, d.ldk, fn, "k") ||
      !check_matrix(env, &v, 0, N, d.NKV * d.HS, d.ldv, fn, "v") ||
      !check_matrix(env, &out, 0, N, d.NH * d.HS, d.ldo, fn, "out") ||
      !check_matrix(env, &mask, 0, 1, N, N, fn, "keyMask") ||
      !check_matrix(env, &att, 0, d.B * d.NH * d.T, d.T, d.T, fn, "att"))
    return NULL;
  const float scale = 1.0f / sqrtf((float)d.HS);
  const int64_t group = d.NH / d.NKV;
  const float *Q = q.data, *K = k.data, *V = v.data;
  float *O = out.data, *A = att.data;
  const uint8_t *M = mask.data;
  for (int64_t b = 0; b < d.B; b++) {
    for (int64_t h = 0; h < d.NH; h++) {
      const float *qb = Q + b * d.T * d.ldq + h * d.HS;
      const float *kb = K + b * d.T * d.ldk + (h / group) * d.HS;
      const float *vb = V + b * d.T * d.ldv + (h / group) * d.HS;
      float *ab = A + (b * d.NH + h) * d.T * d.T;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)d.T, (int)d.T, (int)d.HS, scale, qb, (int)d.ldq,
                  kb, (int)d.ldk, 0.0f, ab, (int)d.T);
      causal_masked_softmax(ab, M + b * d.T, d.T);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)d.T, (int)d.HS, (int)d.T, 1.0f, ab, (int)d.T,
                  vb, (int)d.ldv, 0.0f, O + b * d.T * d.ldo + h * d.HS, (int)d.ldo);
    }
  }
  return undefined_value(env);
}

/* attentionBackward(B, T, NH, NKV, HS, ldq, ldk, ldv, ldo, q, k, v, att, dout, dq, dk, dv):
 * accumulates (+=) into dq, dk, dv (leading dims ldq, ldk, ldv; dout uses ldo). */
napi_value js_attention_backward(napi_env env, napi_callback_info info) {
  const char *fn = "attentionBackward";
  napi_value argv[17];
  Dims d;
  TypedView q, k, v, att, dout, dq, dk, dv;
  if (!get_args(env, info, 17, argv, fn) || !read_dims(env, argv, fn, &d) || !check_dims(env, &d, fn) ||
      !get_view(env, argv[9], napi_float32_array, fn, "q", &q) ||
      !get_view(env, argv[10], napi_float32_array, fn, "k", &k) ||
      !get_view(env, argv[11], napi_float32_array, fn, "v", &v) ||
      !get_view(env, argv[12], napi_float32_array, fn, "att", &att) ||
      !get_view(env, argv[13], napi_float32_array, fn, "dout", &dout) ||
      !get_view(env, argv[14], napi_float32_array, fn, "dq", &dq) ||
      !get_view(env, argv[15], napi_float32_array, fn, "dk", &dk) ||
      !get_view(env, argv[16], napi_float32_array, fn, "dv", &dv))
    return NULL;
  const int64_t N = d.B * d.T;
  if (!check_matrix(env, &q, 0, N, d.NH * d.HS, d.ldq, fn, "q") ||
      !check_matrix(env, &k, 0, N, d.NKV * d.HS, d.ldk, fn, "k") ||
      !check_matrix(env, &v, 0, N, d.NKV * d.HS, d.ldv, fn, "v") ||
      !check_matrix(env, &att, 0, d.B * d.NH * d.T, d.T, d.T, fn, "att") ||
      !check_matrix(env, &dout, 0, N, d.NH * d.HS, d.ldo, fn, "dout") ||
      !check_matrix(env, &dq, 0, N, d.NH * d.HS, d.ldq, fn, "dq") ||
      !check_matrix(env, &dk, 0, N, d.NKV * d.HS, d.ldk, fn, "dk") ||
      !check_matrix(env, &dv, 0, N, d.NKV * d.HS, d.ldv, fn, "dv"))
    return NULL;
  float *scratch = malloc((size_t)(d.T * d.T) * sizeof(float));
  if (!scratch) {
    throw_error(env, fn, "out of memory");
    return NULL;
  }
  const float scale = 1.0f / sqrtf((float)d.HS);
  const int64_t group = d.NH / d.NKV;
  const int T = (int)d.T, HS = (int)d.HS;
  for (int64_t b = 0; b < d.B; b++) {
    for (int64_t h = 0; h < d.NH; h++) {
      const int64_t qo = b * d.T * d.ldq + h * d.HS, oo = b * d.T * d.ldo + h * d.HS;
      const int64_t ko = b * d.T * d.ldk + (h / group) * d.HS, vo = b * d.T * d.ldv + (h / group) * d.HS;
      const float *ab = (const float *)att.data + (b * d.NH + h) * d.T * d.T;
      const float *go = (const float *)dout.data + oo;
      /* dP = dO·Vᵀ ; dV += Pᵀ·dO */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, HS, 1.0f, go, (int)d.ldo,
                  (const float *)v.data + vo, (int)d.ldv, 0.0f, scratch, T);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, HS, T, 1.0f, ab, T, go, (int)d.ldo, 1.0f,
                  (float *)dv.data + vo, (int)d.ldv);
      softmax_backward_rows(scratch, ab, d.T);
      /* dQ += scale·dS·K ; dK += scale·dSᵀ·Q */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, HS, T, scale, scratch, T,
                  (const float *)k.data + ko, (int)d.ldk, 1.0f, (float *)dq.data + qo, (int)d.ldq);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, HS, T, scale, scratch, T,
                  (const float *)q.data + qo, (int)d.ldq, 1.0f, (float *)dk.data + ko, (int)d.ldk);
    }
  }
  free(scratch);
  return undefined_value(env);
}

/* attentionIncremental(B, Tq, Tk, NH, NKV, HS, ldq, ldk, ldv, ldo, kvRows, q, k, v, keyMask, out):
 * q (B·Tq, ldq) and out (B·Tq, ldo) hold the new tokens; k, v hold row b's Tk keys/values from
 * row b·kvRows (a cache of capacity kvRows per batch row); keyMask is (B, kvRows). Query i of row b
 * sees keys j ≤ Tk − Tq + i whose mask is 1. No probabilities are kept: there is no backward. */
napi_value js_attention_incremental(napi_env env, napi_callback_info info) {
  const char *fn = "attentionIncremental";
  napi_value argv[16];
  int64_t B, Tq, Tk, NH, NKV, HS, ldq, ldk, ldv, ldo, kvRows;
  TypedView q, k, v, mask, out;
  if (!get_args(env, info, 16, argv, fn) || !get_int(env, argv[0], fn, "B", &B) ||
      !get_int(env, argv[1], fn, "Tq", &Tq) || !get_int(env, argv[2], fn, "Tk", &Tk) ||
      !get_int(env, argv[3], fn, "NH", &NH) || !get_int(env, argv[4], fn, "NKV", &NKV) ||
      !get_int(env, argv[5], fn, "HS", &HS) || !get_int(env, argv[6], fn, "ldq", &ldq) ||
      !get_int(env, argv[7], fn, "ldk", &ldk) || !get_int(env, argv[8], fn, "ldv", &ldv) ||
      !get_int(env, argv[9], fn, "ldo", &ldo) || !get_int(env, argv[10], fn, "kvRows", &kvRows))
    return NULL;
  const Dims d = {B, Tq, NH, NKV, HS, ldq, ldk, ldv, ldo}; /* T stands for Tq in the shared checks */
  if (!check_dims(env, &d, fn)) return NULL;
  if (Tk < Tq || kvRows < Tk) {
    throw_error(env, fn, "need Tq <= Tk <= kvRows (the new tokens are the last Tq of the Tk keys)");
    return NULL;
  }
  if (!get_view(env, argv[11], napi_float32_array, fn, "q", &q) ||
      !get_view(env, argv[12], napi_float32_array, fn, "k", &k) ||
      !get_view(env, argv[13], napi_float32_array, fn, "v", &v) ||
      !get_view(env, argv[14], napi_uint8_array, fn, "keyMask", &mask) ||
      !get_view(env, argv[15], napi_float32_array, fn, "out", &out))
    return NULL;
  const int64_t keyRows = (B - 1) * kvRows + Tk; /* from row 0's first key to row B−1's last */
  if (!check_matrix(env, &q, 0, B * Tq, NH * HS, ldq, fn, "q") ||
      !check_matrix(env, &k, 0, keyRows, NKV * HS, ldk, fn, "k") ||
      !check_matrix(env, &v, 0, keyRows, NKV * HS, ldv, fn, "v") ||
      !check_matrix(env, &out, 0, B * Tq, NH * HS, ldo, fn, "out") ||
      !check_matrix(env, &mask, 0, B, Tk, kvRows, fn, "keyMask"))
    return NULL;
  float *scores = malloc((size_t)(Tq * Tk) * sizeof(float)); /* (Tq, Tk), reused per (b, h) */
  if (!scores) {
    throw_error(env, fn, "out of memory");
    return NULL;
  }
  const float scale = 1.0f / sqrtf((float)HS);
  const int64_t group = NH / NKV;
  for (int64_t b = 0; b < B; b++) {
    for (int64_t h = 0; h < NH; h++) {
      const float *qb = (const float *)q.data + b * Tq * ldq + h * HS;
      const float *kb = (const float *)k.data + b * kvRows * ldk + (h / group) * HS;
      const float *vb = (const float *)v.data + b * kvRows * ldv + (h / group) * HS;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)Tq, (int)Tk, (int)HS, scale, qb, (int)ldq, kb,
                  (int)ldk, 0.0f, scores, (int)Tk);
      causal_masked_softmax_offset(scores, (const uint8_t *)mask.data + b * kvRows, Tq, Tk, Tk - Tq);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)Tq, (int)HS, (int)Tk, 1.0f, scores, (int)Tk, vb,
                  (int)ldv, 0.0f, (float *)out.data + b * Tq * ldo + h * HS, (int)ldo);
    }
  }
  free(scores);
  return undefined_value(env);
}
