/* GEMM with a 16-bit float right-hand matrix (half.c) and its N-API entry points (half-napi.c). */
#ifndef LOCEDIT_HALF_H
#define LOCEDIT_HALF_H
#include <node_api.h>
#include <stdint.h>
#include "half-convert.h"

/* C = alpha·op(A)·op(B) + beta·C with B in F16/BF16; returns 0 when the scratch cannot be allocated. */
int gemm_half(HalfDtype dtype, int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
              int64_t lda, const uint16_t *b, int64_t ldb, float beta, float *c, int64_t ldc);

napi_value js_gemm_half(napi_env env, napi_callback_info info);
napi_value js_widen_half(napi_env env, napi_callback_info info);
napi_value js_half_features(napi_env env, napi_callback_info info);
#define HALF_EXPORTS                                                                            \
  EXPORT("gemmHalf", js_gemm_half), EXPORT("widenHalf", js_widen_half), EXPORT("halfFeatures", js_half_features)

#endif
