/* GEMM with a 16-bit float (F16 or BF16) right-hand matrix, for weights kept in their stored dtype:
 *   C = alpha·op(A)·op(B) + beta·C,  A and C float32, B F16/BF16, all row-major with leading dims.
 * B is widened a panel at a time into a reused float32 scratch and each panel goes through
 * OpenBLAS sgemm (sgemv for one-row / one-column products, as blas.c does), so the result is a
 * float32 GEMM of the exactly widened B: only the summation order differs from one sgemm call.
 *   op(B) = Bᵀ (B is n×k, a linear layer's [out, in] weight): panels of rows of B = columns of C;
 *   op(B) = B  (B is k×n): panels of rows of B = slices of the inner dimension, accumulated in C.
 * Panels are sized so the scratch stays in cache for the memory-bound few-row products (decoding),
 * and larger for many rows, where re-packing A per panel would cost more than the cache misses. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include "args.h"
#include "half-convert.h"
#include "half.h"

/* float32 elements of scratch per panel: 1 MiB when op(A) has ≤ 16 rows, else 8 MiB. */
#define SMALL_PANEL_FLOATS (256 * 1024)
#define LARGE_PANEL_FLOATS (2 * 1024 * 1024)

static _Thread_local float *scratch = NULL;
static _Thread_local size_t scratch_floats = 0;

static float *scratch_for(size_t floats) {
  if (floats > scratch_floats) {
    free(scratch);
    scratch = malloc(floats * sizeof(float));
    scratch_floats = scratch ? floats : 0;
  }
  return scratch;
}

/* Row-major float32 C = alpha·op(A)·op(B) + beta·C (k > 0), as GEMV when m or n is 1. */
static void sgemm_rows(int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                       const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
  if (m == 1) {
    cblas_sgemv(CblasRowMajor, tb ? CblasNoTrans : CblasTrans, tb ? (int)n : (int)k, tb ? (int)k : (int)n, alpha, b,
                (int)ldb, a, ta ? (int)lda : 1, beta, c, 1);
  } else if (n == 1) {
    cblas_sgemv(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, ta ? (int)k : (int)m, ta ? (int)m : (int)k, alpha, a,
                (int)lda, b, tb ? 1 : (int)ldb, beta, c, (int)ldc);
  } else {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
  }
}

/* C = beta·C (an empty inner dimension); beta = 0 clears, so NaN in C does not survive. */
static void scale_c(int64_t m, int64_t n, float beta, float *c, int64_t ldc) {
  for (int64_t i = 0; i < m; i++)
    for (int64_t j = 0; j < n; j++) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
}

int gemm_half(HalfDtype dtype, int ta, int tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
              int64_t lda, const uint16_t *b, int64_t ldb, float beta, float *c, int64_t ldc) {
  if (m == 0 || n == 0) return 1;
  if (k == 0) {
    scale_c(m, n, beta, c, ldc);
    return 1;
  }
  const int64_t budget = m <= 16 ? SMALL_PANEL_FLOATS : LARGE_PANEL_FLOATS;
  if (tb) {
    /* B is n×k: panel = rows j0 … j0+nb of B (nb×k, ld k) → columns j0 … of C */
    int64_t nb = budget / k;
    nb = nb < 1 ? 1 : nb > n ? n : nb >= 16 ? nb - nb % 16 : nb;
    float *panel = scratch_for((size_t)(nb * k));
    if (!panel) return 0;
    for (int64_t j0 = 0; j0 < n; j0 += nb) {
      const int64_t rows = n - j0 < nb ? n - j0 : nb;
      for (int64_t r = 0; r < rows; r++) widen_half(dtype, b + (j0 + r) * ldb, panel + r * k, k);
      sgemm_rows(ta, 1, m, rows, k, alpha, a, lda, panel, k, beta, c + j0, ldc);
    }
  } else {
    /* B is k×n: panel = rows p0 … p0+kb of B (kb×n, ld n), the matching slice of op(A)'s columns */
    int64_t kb = budget / n;
    kb = kb < 1 ? 1 : kb > k ? k : kb;
    float *panel = scratch_for((size_t)(kb * n));
    if (!panel) return 0;
    for (int64_t p0 = 0; p0 < k; p0 += kb) {
      const int64_t depth = k - p0 < kb ? k - p0 : kb;
      for (int64_t r = 0; r < depth; r++) widen_half(dtype, b + (p0 + r) * ldb, panel + r * n, n);
      const float *a_slice = ta ? a + p0 * lda : a + p0;
      sgemm_rows(ta, 0, m, n, depth, alpha, a_slice, lda, panel, n, p0 == 0 ? beta : 1.0f, c, ldc);
    }
  }
  return 1;
}
