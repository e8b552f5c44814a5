/* Causal (grouped-query) attention of T new tokens per row that also attend to P cached earlier
 * positions (a prefix whose keys and values do not change), forward and backward, for a whole batch
 * in one call (Vaswani et al. 2017, eq. 1; GQA: Ainslie et al. 2023). Per (row b, head h):
 *   S = scale·Q_bh·[Kp_g ; K_g]ᵀ (T, P + T),  Pr = masked_softmax(S),  O_bh = Pr·[Vp_g ; V_g]
 * where query i sees every prefix key whose prefix mask is 1 and new keys j ≤ i whose mask is 1.
 * This is compute_z's cached-prefix step (arXiv 2210.07229 Eq. 16: positions before the subject's
 * last token do not depend on δ). The backward gives dQ and the new tokens' dK, dV only: the
 * prefix is constant. Q, K, V, O are (B·T, heads·HS) with leading dimensions (views into a fused
 * QKV buffer work); the prefix keys/values are packed (B·P, NKV·HS). */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"
#include "attention.h"
#include "fast/softmax.h"

typedef struct {
  int64_t B, T, P, NH, NKV, HS, ldq, ldk, ldv, ldo;
} PrefixDims;

static int read_prefix_dims(napi_env env, napi_value *argv, const char *fn, PrefixDims *d) {
  if (!get_int(env, argv[0], fn, "B", &d->B) || !get_int(env, argv[1], fn, "T", &d->T) ||
      !get_int(env, argv[2], fn, "P", &d->P) || !get_int(env, argv[3], fn, "NH", &d->NH) ||
      !get_int(env, argv[4], fn, "NKV", &d->NKV) || !get_int(env, argv[5], fn, "HS", &d->HS) ||
      !get_int(env, argv[6], fn, "ldq", &d->ldq) || !get_int(env, argv[7], fn, "ldk", &d->ldk) ||
      !get_int(env, argv[8], fn, "ldv", &d->ldv) || !get_int(env, argv[9], fn, "ldo", &d->ldo))
    return 0;
  if (d->B < 1 || d->T < 1 || d->P < 1 || d->NH < 1 || d->NKV < 1 || d->HS < 1 || d->NH % d->NKV != 0)
    return throw_error(env, fn, "sizes must be positive and NH a multiple of NKV");
  if (d->ldq < d->NH * d->HS || d->ldo < d->NH * d->HS || d->ldk < d->NKV * d->HS || d->ldv < d->NKV * d->HS)
    return throw_error(env, fn, "a leading dimension is smaller than heads × head size");
  return 1;
}

/* The new tokens' q/k/v/out (B·T rows) and the packed prefix keys/values (B·P rows) must fit. */
static int check_shapes(napi_env env, const PrefixDims *d, const char *fn, const TypedView *q, const TypedView *k,
                        const TypedView *v, const TypedView *pk, const TypedView *pv, const TypedView *att) {
  const int64_t N = d->B * d->T, KV = d->NKV * d->HS;
  return check_matrix(env, q, 0, N, d->NH * d->HS, d->ldq, fn, "q") &&
         check_matrix(env, k, 0, N, KV, d->ldk, fn, "k") && check_matrix(env, v, 0, N, KV, d->ldv, fn, "v") &&
         check_matrix(env, pk, 0, d->B * d->P, KV, KV, fn, "prefixKeys") &&
         check_matrix(env, pv, 0, d->B * d->P, KV, KV, fn, "prefixValues") &&
         check_matrix(env, att, 0, d->B * d->NH * d->T, d->P + d->T, d->P + d->T, fn, "att");
}

/* attentionPrefixForward(B, T, P, NH, NKV, HS, ldq, ldk, ldv, ldo, q, k, v, keyMask, prefixKeys,
 * prefixValues, prefixMask, out, att): att (B, NH, T, P + T) receives the probabilities, prefix
 * columns first. */
napi_value js_attention_prefix_forward(napi_env env, napi_callback_info info) {
  const char *fn = "attentionPrefixForward";
  napi_value argv[19];
  PrefixDims d;
  TypedView q, k, v, mask, pk, pv, pmask, out, att;
  if (!get_args(env, info, 19, argv, fn) || !read_prefix_dims(env, argv, fn, &d) ||
      !get_view(env, argv[10], napi_float32_array, fn, "q", &q) ||
      !get_view(env, argv[11], napi_float32_array, fn, "k", &k) ||
      !get_view(env, argv[12], napi_float32_array, fn, "v", &v) ||
      !get_view(env, argv[13], napi_uint8_array, fn, "keyMask", &mask) ||
      !get_view(env, argv[14], napi_float32_array, fn, "prefixKeys", &pk) ||
      !get_view(env, argv[15], napi_float32_array, fn, "prefixValues", &pv) ||
      !get_view(env, argv[16], napi_uint8_array, fn, "prefixMask", &pmask) ||
      !get_view(env, argv[17], napi_float32_array, fn, "out", &out) ||
      !get_view(env, argv[18], napi_float32_array, fn, "att", &att))
    return NULL;
  if (!check_shapes(env, &d, fn, &q, &k, &v, &pk, &pv, &att) ||
      !check_matrix(env, &mask, 0, 1, d.B * d.T, d.B * d.T, fn, "keyMask") ||
      !check_matrix(env, &pmask, 0, 1, d.B * d.P, d.B * d.P, fn, "prefixMask") ||
      !check_matrix(env, &out, 0, d.B * d.T, d.NH * d.HS, d.ldo, fn, "out"))
    return NULL;
  const int T = (int)d.T, P = (int)d.P, HS = (int)d.HS, Tk = T + P, KV = (int)(d.NKV * d.HS);
  uint8_t *visible = malloc((size_t)Tk); /* one row's mask over [prefix ; new] keys */
  if (!visible) {
    throw_error(env, fn, "out of memory");
    return NULL;
  }
  const float scale = 1.0f / sqrtf((float)d.HS);
  const int64_t group = d.NH / d.NKV;
  for (int64_t b = 0; b < d.B; b++) {
    memcpy(visible, (const uint8_t *)pmask.data + b * d.P, (size_t)P);
    memcpy(visible + P, (const uint8_t *)mask.data + b * d.T, (size_t)T);
    for (int64_t h = 0; h < d.NH; h++) {
      const int64_t g = (h / group) * d.HS;
      const float *qb = (const float *)q.data + b * d.T * d.ldq + h * d.HS;
      const float *kb = (const float *)k.data + b * d.T * d.ldk + g;
      const float *vb = (const float *)v.data + b * d.T * d.ldv + g;
      const float *pkb = (const float *)pk.data + b * d.P * KV + g;
      const float *pvb = (const float *)pv.data + b * d.P * KV + g;
      float *ob = (float *)out.data + b * d.T * d.ldo + h * d.HS;
      float *ab = (float *)att.data + (b * d.NH + h) * d.T * Tk; /* (T, P + T) */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, P, HS, scale, qb, (int)d.ldq, pkb, KV, 0.0f, ab, Tk);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, HS, scale, qb, (int)d.ldq, kb, (int)d.ldk, 0.0f,
                  ab + P, Tk);
      causal_masked_softmax_offset(ab, visible, T, Tk, P);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, HS, P, 1.0f, ab, Tk, pvb, KV, 0.0f, ob, (int)d.ldo);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, HS, T, 1.0f, ab + P, Tk, vb, (int)d.ldv, 1.0f, ob,
                  (int)d.ldo);
    }
  }
  free(visible);
  return undefined_value(env);
}

/* attentionPrefixBackward(B, T, P, NH, NKV, HS, ldq, ldk, ldv, ldo, q, k, v, prefixKeys,
 * prefixValues, att, dout, dq, dk, dv): accumulates (+=) into dq, and into dk, dv of the new
 * tokens (leading dims ldq, ldk, ldv; dout uses ldo). */
napi_value js_attention_prefix_backward(napi_env env, napi_callback_info info) {
  const char *fn = "attentionPrefixBackward";
  napi_value argv[20];
  PrefixDims d;
  TypedView q, k, v, pk, pv, att, dout, dq, dk, dv;
  if (!get_args(env, info, 20, argv, fn) || !read_prefix_dims(env, argv, fn, &d) ||
      !get_view(env, argv[10], napi_float32_array, fn, "q", &q) ||
      !get_view(env, argv[11], napi_float32_array, fn, "k", &k) ||
      !get_view(env, argv[12], napi_float32_array, fn, "v", &v) ||
      !get_view(env, argv[13], napi_float32_array, fn, "prefixKeys", &pk) ||
      !get_view(env, argv[14], napi_float32_array, fn, "prefixValues", &pv) ||
      !get_view(env, argv[15], napi_float32_array, fn, "att", &att) ||
      !get_view(env, argv[16], napi_float32_array, fn, "dout", &dout) ||
      !get_view(env, argv[17], napi_float32_array, fn, "dq", &dq) ||
      !get_view(env, argv[18], napi_float32_array, fn, "dk", &dk) ||
      !get_view(env, argv[19], napi_float32_array, fn, "dv", &dv))
    return NULL;
  const int64_t N = d.B * d.T, KVw = d.NKV * d.HS;
  if (!check_shapes(env, &d, fn, &q, &k, &v, &pk, &pv, &att) ||
      !check_matrix(env, &dout, 0, N, d.NH * d.HS, d.ldo, fn, "dout") ||
      !check_matrix(env, &dq, 0, N, d.NH * d.HS, d.ldq, fn, "dq") ||
      !check_matrix(env, &dk, 0, N, KVw, d.ldk, fn, "dk") || !check_matrix(env, &dv, 0, N, KVw, d.ldv, fn, "dv"))
    return NULL;
  const int T = (int)d.T, P = (int)d.P, HS = (int)d.HS, Tk = T + P, KV = (int)KVw;
  float *ds = malloc((size_t)T * (size_t)Tk * sizeof(float)); /* dP, then dS, (T, P + T) */
  if (!ds) {
    throw_error(env, fn, "out of memory");
    return NULL;
  }
  const float scale = 1.0f / sqrtf((float)d.HS);
  const int64_t group = d.NH / d.NKV;
  for (int64_t b = 0; b < d.B; b++) {
    for (int64_t h = 0; h < d.NH; h++) {
      const int64_t g = (h / group) * d.HS;
      const int64_t qo = b * d.T * d.ldq + h * d.HS, ko = b * d.T * d.ldk + g, vo = b * d.T * d.ldv + g;
      const float *pkb = (const float *)pk.data + b * d.P * KV + g;
      const float *pvb = (const float *)pv.data + b * d.P * KV + g;
      const float *ab = (const float *)att.data + (b * d.NH + h) * d.T * Tk;
      const float *go = (const float *)dout.data + b * d.T * d.ldo + h * d.HS;
      /* dP = dO·[Vp ; V]ᵀ ; dV += Pr[:, P:]ᵀ·dO */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, P, HS, 1.0f, go, (int)d.ldo, pvb, KV, 0.0f, ds, Tk);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, T, T, HS, 1.0f, go, (int)d.ldo,
                  (const float *)v.data + vo, (int)d.ldv, 0.0f, ds + P, Tk);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, HS, T, 1.0f, ab + P, Tk, go, (int)d.ldo, 1.0f,
                  (float *)dv.data + vo, (int)d.ldv);
      softmax_backward_rect(ds, ab, T, Tk);
      /* dQ += scale·dS·[Kp ; K] ; dK += scale·dS[:, P:]ᵀ·Q */
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, HS, P, scale, ds, Tk, pkb, KV, 1.0f,
                  (float *)dq.data + qo, (int)d.ldq);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, T, HS, T, scale, ds + P, Tk,
                  (const float *)k.data + ko, (int)d.ldk, 1.0f, (float *)dq.data + qo, (int)d.ldq);
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, T, HS, T, scale, ds + P, Tk,
                  (const float *)q.data + qo, (int)d.ldq, 1.0f, (float *)dk.data + ko, (int)d.ldk);
    }
  }
  free(ds);
  return undefined_value(env);
}
