/* LAPACK entry points of the locedit addon, row-major, float32 and float64:
 * Cholesky factor (potrf, A = L·Lᵀ, lower) and solve (potrs), general LU solve (gesv, with a
 * condition estimate from gecon), symmetric eigendecomposition (syevd,
 * ascending eigenvalues, eigenvectors as columns) and thin SVD (gesdd, A = U·diag(s)·Vᵀ).
 * The `_work` variants are called with workspace sizes from LAPACK's documented formulas: the
 * size query returns the size as a float, which is too small for n >= ~3072 in float32.
 * Inputs must be finite: syevd and gesdd scan A first, potrf checks the factor's diagonal. */
#include <lapacke.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"
#include "ops.h"

/* Dense matrices here have ld = columns; an empty one still needs ld >= 1 to pass check_matrix. */
#define AT_LEAST_1(x) ((x) > 1 ? (x) : 1)

static int lapack_failed(napi_env env, const char *fn, lapack_int info, const char *what) {
  char text[256];
  if (info < 0)
    snprintf(text, sizeof text, "LAPACK rejected argument %d", (int)-info);
  else
    snprintf(text, sizeof text, "%s (LAPACK info %d)", what, (int)info);
  return throw_error(env, fn, text);
}

static int non_finite_factor(napi_env env, const char *fn, int64_t row, double value) {
  char text[256];
  snprintf(text, sizeof text, "matrix 'a' has NaN or Inf in its lower triangle (factor diagonal is %g at row %lld)",
           value, (long long)row);
  return throw_error(env, fn, text);
}

/* potrf(n, a, lda): a's lower triangle becomes L; the strict upper triangle is zeroed. */
#define DEFINE_POTRF(NAME, TYPE, ARRAY, CALL)                                                       \
  napi_value NAME(napi_env env, napi_callback_info info) {                                          \
    const char *fn = JS_NAME(NAME);                                                                 \
    napi_value argv[3];                                                                             \
    int64_t n, lda;                                                                                 \
    TypedView a;                                                                                    \
    if (!get_args(env, info, 3, argv, fn) || !get_int(env, argv[0], fn, "n", &n) ||           \
        !get_view(env, argv[1], ARRAY, fn, "a", &a) || !get_int(env, argv[2], fn, "lda", &lda) || \
        !check_matrix(env, &a, 0, n, n, lda, fn, "a"))                                           \
      return NULL;                                                                                  \
    if (n == 0) return undefined_value(env);                                                        \
    lapack_int status = CALL(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, (TYPE *)a.data, (lapack_int)lda); \
    if (status != 0) {                                                                              \
      lapack_failed(env, fn, status, "matrix is not positive definite");                        \
      return NULL;                                                                                  \
    }                                                                                               \
    TYPE *m = (TYPE *)a.data;                                                                       \
    /* OpenBLAS's potrf lets NaN through; any NaN/Inf in the lower triangle reaches L's diagonal. */ \
    for (int64_t i = 0; i < n; i++)                                                                 \
      if (!isfinite(m[i * lda + i])) {                                                              \
        non_finite_factor(env, fn, i, m[i * lda + i]);                                             \
        return NULL;                                                                                \
      }                                                                                             \
    for (int64_t i = 0; i < n; i++)                                                                 \
      for (int64_t j = i + 1; j < n; j++) m[i * lda + j] = 0;                                       \
    return undefined_value(env);                                                                    \
  }

DEFINE_POTRF(js_spotrf, float, napi_float32_array, LAPACKE_spotrf_work)
DEFINE_POTRF(js_dpotrf, double, napi_float64_array, LAPACKE_dpotrf_work)

/* potrs(n, nrhs, l, ldl, b, ldb): solves (L·Lᵀ)·X = B in place of B (n x nrhs). */
#define DEFINE_POTRS(NAME, TYPE, ARRAY, CALL)                                                          \
  napi_value NAME(napi_env env, napi_callback_info info) {                                             \
    const char *fn = JS_NAME(NAME);                                                                    \
    napi_value argv[6];                                                                                \
    int64_t n, nrhs, lda, ldb;                                                                         \
    TypedView a, b;                                                                                    \
    if (!get_args(env, info, 6, argv, fn) || !get_int(env, argv[0], fn, "n", &n) ||              \
        !get_int(env, argv[1], fn, "nrhs", &nrhs) || !get_view(env, argv[2], ARRAY, fn, "l", &a) || \
        !get_int(env, argv[3], fn, "ldl", &lda) || !get_view(env, argv[4], ARRAY, fn, "b", &b) ||   \
        !get_int(env, argv[5], fn, "ldb", &ldb) || !check_matrix(env, &a, 0, n, n, lda, fn, "l") || \
        !check_matrix(env, &b, 0, n, nrhs, ldb, fn, "b"))                                           \
      return NULL;                                                                                     \
    if (n == 0 || nrhs == 0) return undefined_value(env);                                              \
    lapack_int status = CALL(LAPACK_ROW_MAJOR, 'L', (lapack_int)n, (lapack_int)nrhs, (TYPE *)a.data,   \
                             (lapack_int)lda, (TYPE *)b.data, (lapack_int)ldb);                        \
    if (status != 0) {                                                                                 \
      lapack_failed(env, fn, status, "solve failed");                                              \
      return NULL;                                                                                     \
    }                                                                                                  \
    return undefined_value(env);                                                                       \
  }

DEFINE_POTRS(js_spotrs, float, napi_float32_array, LAPACKE_spotrs_work)
DEFINE_POTRS(js_dpotrs, double, napi_float64_array, LAPACKE_dpotrs_work)

/* syevd(n, a, w): a (n x n, symmetric) is replaced by its eigenvectors as columns, w gets the
 * eigenvalues in ascending order. Workspace: lwork = 1 + 6n + 2n², liwork = 3 + 5n (LAPACK docs). */
#define DEFINE_SYEVD(NAME, TYPE, ARRAY, CALL, FINITE)                                                          \
  napi_value NAME(napi_env env, napi_callback_info info) {                                             \
    const char *fn = JS_NAME(NAME);                                                                    \
    napi_value argv[3];                                                                                \
    int64_t n;                                                                                         \
    TypedView a, w;                                                                                    \
    if (!get_args(env, info, 3, argv, fn) || !get_int(env, argv[0], fn, "n", &n) ||              \
        !get_view(env, argv[1], ARRAY, fn, "a", &a) || !get_view(env, argv[2], ARRAY, fn, "w", &w) || \
        !check_matrix(env, &a, 0, n, n, AT_LEAST_1(n), fn, "a") ||                                       \
        !check_matrix(env, &w, 0, 1, n, AT_LEAST_1(n), fn, "w")) \
      return NULL;                                                                                     \
    if (n == 0) return undefined_value(env);                                                           \
    if (!FINITE(env, (TYPE *)a.data, n, n, n, fn, "a")) return NULL;                                  \
    size_t lwork = 1 + 6 * (size_t)n + 2 * (size_t)n * (size_t)n;                                       \
    size_t liwork = 3 + 5 * (size_t)n;                                                                 \
    TYPE *work = malloc(lwork * sizeof(TYPE));                                                         \
    lapack_int *iwork = malloc(liwork * sizeof(lapack_int));                                           \
    if (!work || !iwork) {                                                                             \
      free(work);                                                                                      \
      free(iwork);                                                                                     \
      throw_error(env, fn, "out of memory for the LAPACK workspace");                              \
      return NULL;                                                                                     \
    }                                                                                                  \
    lapack_int status = CALL(LAPACK_ROW_MAJOR, 'V', 'U', (lapack_int)n, (TYPE *)a.data, (lapack_int)n, \
                             (TYPE *)w.data, work, (lapack_int)lwork, iwork, (lapack_int)liwork);      \
    free(work);                                                                                        \
    free(iwork);                                                                                       \
    if (status != 0) {                                                                                 \
      lapack_failed(env, fn, status, "eigendecomposition did not converge");                       \
      return NULL;                                                                                     \
    }                                                                                                  \
    return undefined_value(env);                                                                       \
  }

DEFINE_SYEVD(js_ssyevd, float, napi_float32_array, LAPACKE_ssyevd_work, check_finite_f32)
DEFINE_SYEVD(js_dsyevd, double, napi_float64_array, LAPACKE_dsyevd_work, check_finite_f64)

/* gesdd(m, n, a, s, u, vt): thin SVD of a (m x n, left intact): u is m x k, s has k values in
 * descending order, vt is k x n, k = min(m, n). Workspace: 4k² + 7k + max(m, n) (jobz = 'S'). */
#define DEFINE_GESDD(NAME, TYPE, ARRAY, CALL, FINITE)                                                          \
  napi_value NAME(napi_env env, napi_callback_info info) {                                             \
    const char *fn = JS_NAME(NAME);                                                                    \
    napi_value argv[6];                                                                                \
    int64_t m, n;                                                                                      \
    TypedView a, s, u, vt;                                                                             \
    if (!get_args(env, info, 6, argv, fn) || !get_int(env, argv[0], fn, "m", &m) ||              \
        !get_int(env, argv[1], fn, "n", &n) || !get_view(env, argv[2], ARRAY, fn, "a", &a) ||       \
        !get_view(env, argv[3], ARRAY, fn, "s", &s) || !get_view(env, argv[4], ARRAY, fn, "u", &u) || \
        !get_view(env, argv[5], ARRAY, fn, "vt", &vt))                                              \
      return NULL;                                                                                     \
    int64_t k = m < n ? m : n, big = m < n ? n : m;                                                    \
    if (!check_matrix(env, &a, 0, m, n, AT_LEAST_1(n), fn, "a") ||                                    \
        !check_matrix(env, &s, 0, 1, k, AT_LEAST_1(k), fn, "s") ||                                     \
        !check_matrix(env, &u, 0, m, k, AT_LEAST_1(k), fn, "u") ||                                     \
        !check_matrix(env, &vt, 0, k, n, AT_LEAST_1(n), fn, "vt"))                                     \
      return NULL;                                                                                     \
    if (k == 0) return undefined_value(env);                                                           \
    if (!FINITE(env, (TYPE *)a.data, m, n, n, fn, "a")) return NULL;                                  \
    size_t lwork = 5 * (size_t)k * (size_t)k + 7 * (size_t)k + (size_t)big + 64;                        \
    TYPE *work = malloc(lwork * sizeof(TYPE));                                                         \
    lapack_int *iwork = malloc(8 * (size_t)k * sizeof(lapack_int));                                    \
    TYPE *copy = malloc((size_t)m * (size_t)n * sizeof(TYPE));                                         \
    if (!work || !iwork || !copy) {                                                                    \
      free(work);                                                                                      \
      free(iwork);                                                                                     \
      free(copy);                                                                                      \
      throw_error(env, fn, "out of memory for the LAPACK workspace");                              \
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
      lapack_failed(env, fn, status, "SVD did not converge");                                      \
      return NULL;                                                                                     \
    }                                                                                                  \
    return undefined_value(env);                                                                       \
  }

DEFINE_GESDD(js_sgesdd, float, napi_float32_array, LAPACKE_sgesdd_work, check_finite_f32)
DEFINE_GESDD(js_dgesdd, double, napi_float64_array, LAPACKE_dgesdd_work, check_finite_f64)

/* 1-norm (largest column sum of |a_ij|) of a row-major n x n matrix, for gecon's anorm. */
#define DEFINE_NORM1(NAME, TYPE)                                                                        \
  static double NAME(const TYPE *a, int64_t n, int64_t lda) {                                         \
    double largest = 0;                                                                                \
    for (int64_t j = 0; j < n; j++) {                                                                  \
      double sum = 0;                                                                                  \
      for (int64_t i = 0; i < n; i++) sum += fabs((double)a[i * lda + j]);                             \
      if (sum > largest) largest = sum;                                                                \
    }                                                                                                  \
    return largest;                                                                                    \
  }

DEFINE_NORM1(norm1_f32, float)
DEFINE_NORM1(norm1_f64, double)

/* gesv(n, nrhs, a, lda, b, ldb) -> rcond: solves A·X = B (A n x n, general) by LU with partial
 * pivoting, X in place of B, A replaced by its LU factors. Returns gecon's estimate of the
 * reciprocal 1-norm condition number so the caller can refuse a numerically singular A; an
 * exactly singular A (U(i,i) = 0) is an error here. */
#define DEFINE_GESV(NAME, TYPE, ARRAY, GESV, GECON, FINITE, NORM1)                                     \
  napi_value NAME(napi_env env, napi_callback_info info) {                                             \
    const char *fn = JS_NAME(NAME);                                                                    \
    napi_value argv[6], result;                                                                        \
    int64_t n, nrhs, lda, ldb;                                                                         \
    TypedView a, b;                                                                                    \
    if (!get_args(env, info, 6, argv, fn) || !get_int(env, argv[0], fn, "n", &n) ||                    \
        !get_int(env, argv[1], fn, "nrhs", &nrhs) || !get_view(env, argv[2], ARRAY, fn, "a", &a) ||    \
        !get_int(env, argv[3], fn, "lda", &lda) || !get_view(env, argv[4], ARRAY, fn, "b", &b) ||      \
        !get_int(env, argv[5], fn, "ldb", &ldb) || !check_matrix(env, &a, 0, n, n, lda, fn, "a") ||    \
        !check_matrix(env, &b, 0, n, nrhs, ldb, fn, "b"))                                              \
      return NULL;                                                                                     \
    if (n == 0) {                                                                                      \
      CHECK_NAPI(env, napi_create_double(env, 1.0, &result));                                          \
      return result;                                                                                   \
    }                                                                                                  \
    if (!FINITE(env, (TYPE *)a.data, n, n, lda, fn, "a") ||                                            \
        !FINITE(env, (TYPE *)b.data, n, nrhs, ldb, fn, "b"))                                           \
      return NULL;                                                                                     \
    double anorm = NORM1((const TYPE *)a.data, n, lda);                                                \
    lapack_int *ipiv = malloc((size_t)n * sizeof(lapack_int));                                         \
    if (!ipiv) {                                                                                       \
      throw_error(env, fn, "out of memory for the pivot indices");                                     \
      return NULL;                                                                                     \
    }                                                                                                  \
    /* nrhs = 0 still factors A, so the condition estimate below means the same thing. */             \
    lapack_int status = GESV(LAPACK_ROW_MAJOR, (lapack_int)n, (lapack_int)nrhs, (TYPE *)a.data,        \
                             (lapack_int)lda, ipiv, (TYPE *)b.data, (lapack_int)AT_LEAST_1(ldb));      \
    free(ipiv);                                                                                        \
    if (status > 0) {                                                                                  \
      char text[256];                                                                                  \
      snprintf(text, sizeof text,                                                                      \
               "matrix 'a' is singular: U(%d,%d) of its LU factorisation is exactly zero (LAPACK info %d)", \
               (int)status - 1, (int)status - 1, (int)status);                                         \
      throw_error(env, fn, text);                                                                      \
      return NULL;                                                                                     \
    }                                                                                                  \
    if (status < 0) {                                                                                  \
      lapack_failed(env, fn, status, "solve failed");                                                  \
      return NULL;                                                                                     \
    }                                                                                                  \
    TYPE rcond = 0;                                                                                    \
    status = GECON(LAPACK_ROW_MAJOR, '1', (lapack_int)n, (TYPE *)a.data, (lapack_int)lda, (TYPE)anorm, \
                   &rcond);                                                                            \
    if (status != 0) {                                                                                 \
      lapack_failed(env, fn, status, "condition estimate failed");                                     \
      return NULL;                                                                                     \
    }                                                                                                  \
    CHECK_NAPI(env, napi_create_double(env, (double)rcond, &result));                                  \
    return result;                                                                                     \
  }

DEFINE_GESV(js_sgesv, float, napi_float32_array, LAPACKE_sgesv_work, LAPACKE_sgecon, check_finite_f32, norm1_f32)
DEFINE_GESV(js_dgesv, double, napi_float64_array, LAPACKE_dgesv_work, LAPACKE_dgecon, check_finite_f64, norm1_f64)
