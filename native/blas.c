/* BLAS entry points of the locedit addon: row-major GEMM (C = alpha·op(A)·op(B) + beta·C) and SYRK
 * (C = alpha·op(A)·op(A)ᵀ + beta·C, both triangles filled), float32 and float64, over OpenBLAS. */
#include <cblas.h>
#include "args.h"
#include "ops.h"

/* op(A) is m x k: A itself is m x k, or k x m when transposed. */
/* A product with one row (m = 1, every decoding step) or one column (n = 1) runs as a GEMV:
 * OpenBLAS 0.3.21's GEMM is several times slower than its GEMV on such shapes.
 *   m = 1: cᵀ = alpha·op(B)ᵀ·op(A)ᵀ + beta·cᵀ, with op(A)ᵀ read with stride (transA ? lda : 1);
 *   n = 1: c  = alpha·op(A)·op(B) + beta·c, with op(B) read with stride (transB ? 1 : ldb) and
 *          c written with stride ldc. */
#define GEMM_AS_GEMV(GEMV, TYPE)                                                                           \
  if (m == 1 && k > 0) {                                                                                   \
    GEMV(CblasRowMajor, tb ? CblasNoTrans : CblasTrans, tb ? (int)n : (int)k, tb ? (int)k : (int)n,       \
         (TYPE)alpha, (TYPE *)b.data + bOff, (int)ldb, (TYPE *)a.data + aOff, ta ? (int)lda : 1, (TYPE)beta, \
         (TYPE *)c.data + cOff, 1);                                                                        \
    return undefined_value(env);                                                                           \
  }                                                                                                        \
  if (n == 1 && k > 0) {                                                                                   \
    GEMV(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, ta ? (int)k : (int)m, ta ? (int)m : (int)k,       \
         (TYPE)alpha, (TYPE *)a.data + aOff, (int)lda, (TYPE *)b.data + bOff, tb ? 1 : (int)ldb, (TYPE)beta, \
         (TYPE *)c.data + cOff, (int)ldc);                                                                 \
    return undefined_value(env);                                                                           \
  }

#define DEFINE_GEMM(NAME, TYPE, ARRAY, CALL, GEMV)                                                              \
  napi_value NAME(napi_env env, napi_callback_info info) {                                                \
    const char *fn = JS_NAME(NAME);                                                                       \
    napi_value argv[16];                                                                                  \
    if (!get_args(env, info, 16, argv, fn)) return NULL;                                               \
    int ta, tb;                                                                                           \
    int64_t m, n, k, aOff, lda, bOff, ldb, cOff, ldc;                                                     \
    double alpha, beta;                                                                                   \
    TypedView a, b, c;                                                                                    \
    if (!get_bool(env, argv[0], fn, "transA", &ta) || !get_bool(env, argv[1], fn, "transB", &tb) || \
        !get_int(env, argv[2], fn, "m", &m) || !get_int(env, argv[3], fn, "n", &n) ||               \
        !get_int(env, argv[4], fn, "k", &k) || !get_double(env, argv[5], fn, "alpha", &alpha) ||    \
        !get_view(env, argv[6], ARRAY, fn, "a", &a) || !get_int(env, argv[7], fn, "aOffset", &aOff) || \
        !get_int(env, argv[8], fn, "lda", &lda) || !get_view(env, argv[9], ARRAY, fn, "b", &b) ||   \
        !get_int(env, argv[10], fn, "bOffset", &bOff) || !get_int(env, argv[11], fn, "ldb", &ldb) || \
        !get_double(env, argv[12], fn, "beta", &beta) ||                                               \
        !get_view(env, argv[13], ARRAY, fn, "c", &c) || !get_int(env, argv[14], fn, "cOffset", &cOff) || \
        !get_int(env, argv[15], fn, "ldc", &ldc))                                                      \
      return NULL;                                                                                        \
    if (!check_matrix(env, &a, aOff, ta ? k : m, ta ? m : k, lda, fn, "a") ||                          \
        !check_matrix(env, &b, bOff, tb ? n : k, tb ? k : n, ldb, fn, "b") ||                          \
        !check_matrix(env, &c, cOff, m, n, ldc, fn, "c"))                                              \
      return NULL;                                                                                        \
    if (m == 0 || n == 0) return undefined_value(env);                                                    \
    GEMM_AS_GEMV(GEMV, TYPE)                                                                              \
    CALL(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n,   \
         (int)k, (TYPE)alpha, (TYPE *)a.data + aOff, (int)lda, (TYPE *)b.data + bOff, (int)ldb, (TYPE)beta, \
         (TYPE *)c.data + cOff, (int)ldc);                                                                \
    return undefined_value(env);                                                                          \
  }

DEFINE_GEMM(js_sgemm, float, napi_float32_array, cblas_sgemm, cblas_sgemv)
DEFINE_GEMM(js_dgemm, double, napi_float64_array, cblas_dgemm, cblas_dgemv)

/* Without trans, A is n x k and C = alpha·A·Aᵀ; with trans, A is k x n and C = alpha·Aᵀ·A.
 * BLAS fills the upper triangle; the lower one is mirrored so C is a plain symmetric matrix. */
#define DEFINE_SYRK(NAME, TYPE, ARRAY, CALL)                                                              \
  napi_value NAME(napi_env env, napi_callback_info info) {                                                \
    const char *fn = JS_NAME(NAME);                                                                       \
    napi_value argv[10];                                                                                  \
    if (!get_args(env, info, 10, argv, fn)) return NULL;                                               \
    int trans;                                                                                            \
    int64_t n, k, aOff, lda, cOff, ldc;                                                                   \
    double alpha, beta;                                                                                   \
    TypedView a, c;                                                                                       \
    if (!get_bool(env, argv[0], fn, "trans", &trans) || !get_int(env, argv[1], fn, "n", &n) ||      \
        !get_int(env, argv[2], fn, "k", &k) || !get_double(env, argv[3], fn, "alpha", &alpha) ||    \
        !get_view(env, argv[4], ARRAY, fn, "a", &a) || !get_int(env, argv[5], fn, "aOffset", &aOff) || \
        !get_int(env, argv[6], fn, "lda", &lda) || !get_double(env, argv[7], fn, "beta", &beta) ||  \
        !get_view(env, argv[8], ARRAY, fn, "c", &c) || !get_int(env, argv[9], fn, "ldc", &ldc))     \
      return NULL;                                                                                        \
    cOff = 0;                                                                                             \
    if (!check_matrix(env, &a, aOff, trans ? k : n, trans ? n : k, lda, fn, "a") ||                    \
        !check_matrix(env, &c, cOff, n, n, ldc, fn, "c"))                                              \
      return NULL;                                                                                        \
    if (n == 0) return undefined_value(env);                                                              \
    TYPE *cm = (TYPE *)c.data;                                                                            \
    CALL(CblasRowMajor, CblasUpper, trans ? CblasTrans : CblasNoTrans, (int)n, (int)k, (TYPE)alpha,       \
         (TYPE *)a.data + aOff, (int)lda, (TYPE)beta, cm, (int)ldc);                                      \
    for (int64_t i = 0; i < n; i++)                                                                       \
      for (int64_t j = 0; j < i; j++) cm[i * ldc + j] = cm[j * ldc + i];                                  \
    return undefined_value(env);                                                                          \
  }

DEFINE_SYRK(js_ssyrk, float, napi_float32_array, cblas_ssyrk)
DEFINE_SYRK(js_dsyrk, double, napi_float64_array, cblas_dsyrk)

void openblas_set_num_threads(int);
int openblas_get_num_threads(void);

napi_value js_set_num_threads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  int64_t n;
  if (!get_args(env, info, 1, argv, "setNumThreads") || !get_int(env, argv[0], "setNumThreads", "n", &n))
    return NULL;
  if (n < 1 || n > 1024) {
    throw_error(env, "setNumThreads", "thread count must be between 1 and 1024");
    return NULL;
  }
  openblas_set_num_threads((int)n);
  return undefined_value(env);
}

napi_value js_get_num_threads(napi_env env, napi_callback_info info) {
  napi_value out;
  napi_create_int32(env, openblas_get_num_threads(), &out);
  return out;
}
