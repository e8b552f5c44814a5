/* N-API entry points of the 16-bit float kernels (half.c, half-convert.c): gemmHalf, widenHalf,
 * halfFeatures. Arguments are checked like blas.c's (every matrix must fit its typed array). */
#include <string.h>
#include "args.h"
#include "half.h"

/* "F16" or "BF16" → its HalfDtype; throws otherwise. */
static int get_half_dtype(napi_env env, napi_value v, const char *fn, HalfDtype *out) {
  char text[8] = {0};
  size_t length = 0;
  if (napi_get_value_string_utf8(env, v, text, sizeof text, &length) == napi_ok) {
    if (strcmp(text, "F16") == 0) return (*out = HALF_F16), 1;
    if (strcmp(text, "BF16") == 0) return (*out = HALF_BF16), 1;
  }
  return throw_error(env, fn, "argument 'dtype' must be \"F16\" or \"BF16\"");
}

/* gemmHalf(dtype, transA, transB, m, n, k, alpha, a, aOffset, lda, b, bOffset, ldb, beta, c, cOffset, ldc) */
napi_value js_gemm_half(napi_env env, napi_callback_info info) {
  const char *fn = "gemmHalf";
  napi_value v[17];
  HalfDtype dtype = HALF_F16;
  int ta, tb;
  int64_t m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
  double alpha, beta;
  TypedView a, b, c;
  if (!get_args(env, info, 17, v, fn) || !get_half_dtype(env, v[0], fn, &dtype) ||
      !get_bool(env, v[1], fn, "transA", &ta) || !get_bool(env, v[2], fn, "transB", &tb) ||
      !get_int(env, v[3], fn, "m", &m) || !get_int(env, v[4], fn, "n", &n) || !get_int(env, v[5], fn, "k", &k) ||
      !get_double(env, v[6], fn, "alpha", &alpha) || !get_view(env, v[7], napi_float32_array, fn, "a", &a) ||
      !get_int(env, v[8], fn, "aOffset", &aOff) || !get_int(env, v[9], fn, "lda", &lda) ||
      !get_view(env, v[10], napi_uint16_array, fn, "b", &b) || !get_int(env, v[11], fn, "bOffset", &bOff) ||
      !get_int(env, v[12], fn, "ldb", &ldb) || !get_double(env, v[13], fn, "beta", &beta) ||
      !get_view(env, v[14], napi_float32_array, fn, "c", &c) || !get_int(env, v[15], fn, "cOffset", &cOff) ||
      !get_int(env, v[16], fn, "ldc", &ldc))
    return NULL;
  if (!check_matrix(env, &a, aOff, ta ? k : m, ta ? m : k, lda, fn, "a") ||
      !check_matrix(env, &b, bOff, tb ? n : k, tb ? k : n, ldb, fn, "b") ||
      !check_matrix(env, &c, cOff, m, n, ldc, fn, "c"))
    return NULL;
  if (!gemm_half(dtype, ta, tb, m, n, k, (float)alpha, (const float *)a.data + aOff, lda,
                 (const uint16_t *)b.data + bOff, ldb, (float)beta, (float *)c.data + cOff, ldc)) {
    throw_error(env, fn, "out of memory for the float32 panel scratch");
    return NULL;
  }
  return undefined_value(env);
}

/* widenHalf(dtype, src, srcOffset, dst, dstOffset, count, portable?): dst[dstOffset + i] = src[srcOffset + i]. */
napi_value js_widen_half(napi_env env, napi_callback_info info) {
  const char *fn = "widenHalf";
  napi_value v[7];
  size_t argc = 7;
  HalfDtype dtype = HALF_F16;
  TypedView src, dst;
  int64_t srcOff, dstOff, count;
  int portable = 0;
  if (napi_get_cb_info(env, info, &argc, v, NULL, NULL) != napi_ok || argc < 6) {
    throw_error(env, fn, "expected 6 or 7 arguments");
    return NULL;
  }
  if (!get_half_dtype(env, v[0], fn, &dtype) || !get_view(env, v[1], napi_uint16_array, fn, "src", &src) ||
      !get_int(env, v[2], fn, "srcOffset", &srcOff) || !get_view(env, v[3], napi_float32_array, fn, "dst", &dst) ||
      !get_int(env, v[4], fn, "dstOffset", &dstOff) || !get_int(env, v[5], fn, "count", &count) ||
      (argc == 7 && !get_bool(env, v[6], fn, "portable", &portable)))
    return NULL;
  if (!check_matrix(env, &src, srcOff, 1, count, count, fn, "src") ||
      !check_matrix(env, &dst, dstOff, 1, count, count, fn, "dst"))
    return NULL;
  const uint16_t *from = (const uint16_t *)src.data + srcOff;
  float *to = (float *)dst.data + dstOff;
  if (portable) widen_half_portable(dtype, from, to, count);
  else widen_half(dtype, from, to, count);
  return undefined_value(env);
}

static void set_bool(napi_env env, napi_value obj, const char *name, int value) {
  napi_value b;
  napi_get_boolean(env, value != 0, &b);
  napi_set_named_property(env, obj, name, b);
}

static void set_string(napi_env env, napi_value obj, const char *name, const char *value) {
  napi_value s;
  napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, name, s);
}

/* halfFeatures(): what cpuid reports and which widening path each dtype takes. */
napi_value js_half_features(napi_env env, napi_callback_info info) {
  const HalfFeatures *f = half_features();
  napi_value obj;
  napi_create_object(env, &obj);
  set_bool(env, obj, "avx2", f->avx2);
  set_bool(env, obj, "f16c", f->f16c);
  set_bool(env, obj, "avx512f", f->avx512f);
  set_bool(env, obj, "avx512bf16", f->avx512bf16);
  set_string(env, obj, "f16Path", f->f16_path);
  set_string(env, obj, "bf16Path", f->bf16_path);
  return obj;
}
