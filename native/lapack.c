/* LAPACK entry points of the locedit addon, row-major, float32 and float64:
 * Cholesky factor (potrf, A = L·Lᵀ, lower) and solve (potrs), symmetric eigendecomposition (syevd,
 * ascending eigenvalues, eigenvectors as columns) and thin SVD (gesdd, A = U·diag(s)·Vᵀ).
 * The `_work` variants are called with workspace sizes from LAPACK's documented formulas: the
 * size query returns the size as a float, which is too small for n >= ~3072 in float32. */
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"
#include "ops.h"

static int lapack_failed(napi_env env, const char *fn, lapack_int info, const char *what) {
  char text[256];
  if (info < 0)
    snprintf(text, sizeof text, "LAPACK rejected argument %d", (int)-info);
  else
    snprintf(text, sizeof text, "%s (LAPACK info %d)", what, (int)info);
  return throw_error(env, fn, text);
}

/* potrf(n, a, lda): a's lower triangle becomes L; the strict upper triangle is zeroed. */
#define DEFINE_POTRF(NAME, TYPE, ARRAY, CALL)                                                       \
  napi_value NAME(napi_env env, napi_callback_info info) {                                          \
    napi_value argv[3];                                                                             \
    int64_t n, lda;                                                                                 \
    TypedView a;                                                                                    \
    if (!get_args(env, info, 3, argv, #NAME) || !get_int(env, argv[0], #NAME, "n", &n) ||           \
        !get_view(env, argv[1], ARRAY, #NAME, "a", &a) || !get_int(env, argv[2], #NAME, "lda", &lda) || \
        !check_matrix(env, &a, 0, n, n, lda, #NAME, "a"))                                           \
      return NULL;                                                                                  \
    if (n == 0) return undefined_value(env);                                                        \
    lapack_int status = CALL(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, (TYPE *)a.data, (lapack_int)lda); \
    if (status != 0) {                                                                              \
      lapack_failed(env, #NAME, status, "matrix is not positive definite");                        \
      return NULL;                                                                                  \
    }                                                                                               \
    TYPE *m = (TYPE *)a.data;                                                                       \
    for (int64_t i = 0; i < n; i++)                                                                 \
      for (int64_t j = i + 1; j < n; j++) m[i * lda + j] = 0;                                       \
    return undefined_value(env);                                                                    \
  }

DEFINE_POTRF(js_spotrf, float, napi_float32_array, LAPACKE_spotrf_work)
DEFINE_POTRF(js_dpotrf, double, napi_float64_array, LAPACKE_dpotrf_work)

/* potrs(n, nrhs, l, ldl, b, ldb): solves (L·Lᵀ)·X = B in place of B (n x nrhs). */
#define DEFINE_POTRS(NAME, TYPE, ARRAY, CALL)                                                          \
  napi_value NAME(napi_env env, napi_callback_info info) {                                             \
    napi_value argv[6];                                                                                \
    int64_t n, nrhs, lda, ldb;                                                                         \
    TypedView a, b;                                                                                    \
    if (!get_args(env, info, 6, argv, #NAME) || !get_int(env, argv[0], #NAME, "n", &n) ||              \
        !get_int(env, argv[1], #NAME, "nrhs", &nrhs) || !get_view(env, argv[2], ARRAY, #NAME, "l", &a) || \
        !get_int(env, argv[3], #NAME, "ldl", &lda) || !get_view(env, argv[4], ARRAY, #NAME, "b", &b) ||   \
        !get_int(env, argv[5], #NAME, "ldb", &ldb) || !check_matrix(env, &a, 0, n, n, lda, #NAME, "l") || \
        !check_matrix(env, &b, 0, n, nrhs, ldb, #NAME, "b"))                                           \
      return NULL;                                                                                     \
    if (n == 0 || nrhs == 0) return undefined_value(env);                                              \
    lapack_int status = CALL(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, (lapack_int)nrhs, (TYPE *)a.data,   \
                             (lapack_int)lda, (TYPE *)b.data, (lapack_int)ldb);                        \
    if (status != 0) {                                                                                 \
      lapack_failed(env, #NAME, status, "solve failed");                                              \
      return NULL;                                                                                     \
    }                                                                                                  \
    return undefined_value(env);                                                                       \
  }

DEFINE_POTRS(js_spotrs, float, napi_float32_array, LAPACKE_spotrs_work)
DEFINE_POTRS(js_dpotrs, double, napi_float64_array, LAPACKE_dpotrs_work)

/* syevd(n, a, w): a (n x n, symmetric) is replaced by its eigenvectors as columns, w gets the
 * eigenvalues in ascending order. Workspace: lwork = 1 + 6n + 2n², liwork = 3 + 5n (LAPACK docs). */
#define DEFINE_SYEVD(NAME, TYPE, ARRAY, CALL)                                                          \
  napi_value NAME(napi_env env, napi_callback_info info) {                                             \
    napi_value argv[3];                                                                                \
    int64_t n;                                                                                         \
    TypedView a, w;                                                                                    \
    if (!get_args(env, info, 3, argv, #NAME) || !get_int(env, argv[0], #NAME, "n", &n) ||              \
        !get_view(env, argv[1], ARRAY, #NAME, "a", &a) || !get_view(env, argv[2], ARRAY, #NAME, "w", &w) || \
        !check_matrix(env, &a, 0, n, n, n, #NAME, "a") || !check_matrix(env, &w, 0, 1, n, n, #NAME, "w")) \
      return NULL;                                                                                     \
    if (n == 0) return undefined_value(env);                                                           \
    size_t lwork = 1 + 6 * (size_t)n + 2 * (size_t)n * (size_t)n;                                       \
    size_t liwork = 3 + 5 * (size_t)n;                                                                 \
    TYPE *work = malloc(lwork * sizeof(TYPE));                                                         \
    lapack_int *iwork = malloc(liwork * sizeof(lapack_int));                                           \
    if (!work || !iwork) {                                                                             \
      free(work);                                                                                      \
      free(iwork);                                                                                     \
      throw_error(env, #NAME, "out of memory for the LAPACK workspace");                              \
      return NULL;                                                                                     \
    }                                                                                                  \
    lapack_int status = CALL(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, (TYPE *)a.data, (lapack_int)n, \
                             (TYPE *)w.data, work, (lapack_int)lwork, iwork, (lapack_int)liwork);      \
    free(work);                                                                                        \
    free(iwork);                                                                                       \
    if (status != 0) {                                                                                 \
      lapack_failed(env, #NAME, status, "eigendecomposition did not converge");                       \
      return NULL;                                                                                     \
    }                                                                                                  \
    return undefined_value(env);                                                                       \
  }

DEFINE_SYEVD(js_ssyevd, float, napi_float32_array, LAPACKE_ssyevd_work)
DEFINE_SYEVD(js_dsyevd, double, napi_float64_array, LAPACKE_dsyevd_work)

/* gesdd(m, n, a, s, u, vt): thin SVD of a (m x n, left intact): u is m x k, s has k values in
 * descending order, vt is k x n, k = min(m, n). Workspace: 4k² + 7k + max(m, n) (jobz = 'S'). */
#define DEFINE_GESDD(NAME, TYPE, ARRAY, CALL)                                                          \
  napi_value NAME(napi_env env, napi_callback_info info) {                                             \
    napi_value argv[6];                                                                                \
    int64_t m, n;                                                                                      \
    TypedView a, s, u, vt;                                                                             \
    if (!get_args(env, info, 6, argv, #NAME) || !get_int(env, argv[0], #NAME, "m", &m) ||              \
        !get_int(env, argv[1], #NAME, "n", &n) || !get_view(env, argv[2], ARRAY, #NAME, "a", &a) ||       \
        !get_view(env, argv[3], ARRAY, #NAME, "s", &s) || !get_view(env, argv[4], ARRAY, #NAME, "u", &u) || \
        !get_view(env, argv[5], ARRAY, #NAME, "vt", &vt))                                              \
      return NULL;                                                                                     \
    int64_t k = m < n ? m : n, big = m < n ? n : m;                                                    \
    if (!check_matrix(env, &a, 0, m, n, n, #NAME, "a") || !check_matrix(env, &s, 0, 1, k, k, #NAME, "s") || \
        !check_matrix(env, &u, 0, m, k, k, #NAME, "u") || !check_matrix(env, &vt, 0, k, n, n, #NAME, "vt")) \
      return NULL;                                                                                     \
    if (k == 0) return undefined_value(env);                                                           \
    size_t lwork = 5 * (size_t)k * (size_t)k + 7 * (size_t)k + (size_t)big + 64;                        \
    TYPE *work = malloc(lwork * sizeof(TYPE));                                                         \
    lapack_int *iwork = malloc(8 * (size_t)k * sizeof(lapack_int));                                    \
    TYPE *copy = malloc((size_t)m * (size_t)n * sizeof(TYPE));                                         \
    if (!work || !iwork || !copy) {                                                                    \
      free(work);                                                                                      \
      free(iwork);                                                                                     \
      free(copy);                                                                                      \
      throw_error(env, #NAME, "out of memory for the LAPACK workspace");                              \
      return NULL;                                                                                     \
    }                                                                                                  \
    memcpy(copy, a.data, (size_t)m * (size_t)n * sizeof(TYPE));                                       \
    lapack_int status = CALL(LAPACK_ROW_MAJOR, 'S', (lapack_int)m, (lapack_int)n, copy, (lapack_int)n,  \
                             (TYPE *)s.data, (TYPE *)u.data, (lapack_int)k, (TYPE *)vt.data,           \
                             (lapack_int)n, work, (lapack_int)lwork, iwork);                           \
    free(work);                                                                                        \
    free(iwork);                                                                                       \
    free(copy);                                                                                        \
    if (status != 0) {                                                                                 \
      lapack_failed(env, #NAME, status, "SVD did not converge");                                      \
      return NULL;                                                                                     \
    }                                                                                                  \
    return undefined_value(env);                                                                       \
  }

DEFINE_GESDD(js_sgesdd, float, napi_float32_array, LAPACKE_sgesdd_work)
DEFINE_GESDD(js_dgesdd, double, napi_float64_array, LAPACKE_dgesdd_work)
