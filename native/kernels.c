/* Elementwise kernels of the locedit addon (N-API glue; the loops live in native/fast/): GELU and
 * LayerNorm/RMSNorm forward and backward. GELU, tanh approximation (Hendrycks & Gimpel 2016,
 * as GPT-2's "gelu_new"): y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
#include <math.h>
#include "args.h"
#include "kernels.h"

#include <stdio.h>
#include "fast/activations.h"
#include "fast/norms.h"

/* geluTanh(x, y): y[i] = gelu(x[i]); x and y may be the same array. */
napi_value js_gelu_tanh(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  TypedView x, y;
  if (!get_args(env, info, 2, argv, "geluTanh") ||
      !get_view(env, argv[0], napi_float32_array, "geluTanh", "x", &x) ||
      !get_view(env, argv[1], napi_float32_array, "geluTanh", "y", &y))
    return NULL;
  if (y.length < x.length) {
    throw_error(env, "geluTanh", "output is shorter than input");
    return NULL;
  }
  gelu_loop(x.data, y.data, x.length);
  return undefined_value(env);
}

/* geluTanhBackward(dx, dy, x): dx[i] += dy[i]·gelu'(x[i]) over the length of x. */
napi_value js_gelu_tanh_backward(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  TypedView dx, dy, x;
  if (!get_args(env, info, 3, argv, "geluTanhBackward") ||
      !get_view(env, argv[0], napi_float32_array, "geluTanhBackward", "dx", &dx) ||
      !get_view(env, argv[1], napi_float32_array, "geluTanhBackward", "dy", &dy) ||
      !get_view(env, argv[2], napi_float32_array, "geluTanhBackward", "x", &x))
    return NULL;
  if (dx.length < x.length || dy.length < x.length) {
    throw_error(env, "geluTanhBackward", "dx and dy must be at least as long as x");
    return NULL;
  }
  gelu_backward_loop(dx.data, dy.data, x.data, x.length);
  return undefined_value(env);
}

/* A Float32Array argument that may be null (returns 1 with view->data = NULL). */
static int get_optional_f32(napi_env env, napi_value v, const char *fn, const char *name, TypedView *out) {
  napi_valuetype type;
  napi_typeof(env, v, &type);
  if (type == napi_null || type == napi_undefined) {
    out->data = NULL;
    out->length = 0;
    return 1;
  }
  return get_view(env, v, napi_float32_array, fn, name, out);
}

static int need(napi_env env, const TypedView *view, int64_t count, const char *fn, const char *name) {
  if (view->data == NULL || (int64_t)view->length >= count) return 1;
  char text[160];
  snprintf(text, sizeof text, "'%s' has %zu elements, needs %lld", name, view->length, (long long)count);
  return throw_error(env, fn, text);
}

static int norm_sizes(napi_env env, napi_value vn, napi_value vc, const char *fn, int64_t *N, int64_t *C) {
  if (!get_int(env, vn, fn, "N", N) || !get_int(env, vc, fn, "C", C)) return 0;
  if (*N < 0 || *C < 1) return throw_error(env, fn, "N must be ≥ 0 and C ≥ 1");
  return 1;
}

/* layerNormForward(out, mean, rstd, inp, weight, bias, N, C, eps) */
napi_value js_layer_norm_forward(napi_env env, napi_callback_info info) {
  const char *fn = "layerNormForward";
  napi_value a[9];
  TypedView out, mean, rstd, inp, w, b;
  int64_t N, C;
  double eps;
  if (!get_args(env, info, 9, a, fn) || !get_view(env, a[0], napi_float32_array, fn, "out", &out) ||
      !get_view(env, a[1], napi_float32_array, fn, "mean", &mean) ||
      !get_view(env, a[2], napi_float32_array, fn, "rstd", &rstd) ||
      !get_view(env, a[3], napi_float32_array, fn, "inp", &inp) ||
      !get_view(env, a[4], napi_float32_array, fn, "weight", &w) ||
      !get_view(env, a[5], napi_float32_array, fn, "bias", &b) || !norm_sizes(env, a[6], a[7], fn, &N, &C) ||
      !get_double(env, a[8], fn, "eps", &eps) || !need(env, &out, N * C, fn, "out") ||
      !need(env, &inp, N * C, fn, "inp") || !need(env, &mean, N, fn, "mean") || !need(env, &rstd, N, fn, "rstd") ||
      !need(env, &w, C, fn, "weight") || !need(env, &b, C, fn, "bias"))
    return NULL;
  layer_norm_rows(out.data, mean.data, rstd.data, inp.data, w.data, b.data, N, C, (float)eps);
  return undefined_value(env);
}

/* layerNormBackward(dinp, dweight | null, dbias | null, dout, inp, weight, mean, rstd, N, C) */
napi_value js_layer_norm_backward(napi_env env, napi_callback_info info) {
  const char *fn = "layerNormBackward";
  napi_value a[10];
  TypedView dinp, dw, db, dout, inp, w, mean, rstd;
  int64_t N, C;
  if (!get_args(env, info, 10, a, fn) || !get_view(env, a[0], napi_float32_array, fn, "dinp", &dinp) ||
      !get_optional_f32(env, a[1], fn, "dweight", &dw) || !get_optional_f32(env, a[2], fn, "dbias", &db) ||
      !get_view(env, a[3], napi_float32_array, fn, "dout", &dout) ||
      !get_view(env, a[4], napi_float32_array, fn, "inp", &inp) ||
      !get_view(env, a[5], napi_float32_array, fn, "weight", &w) ||
      !get_view(env, a[6], napi_float32_array, fn, "mean", &mean) ||
      !get_view(env, a[7], napi_float32_array, fn, "rstd", &rstd) || !norm_sizes(env, a[8], a[9], fn, &N, &C) ||
      !need(env, &dinp, N * C, fn, "dinp") || !need(env, &dout, N * C, fn, "dout") ||
      !need(env, &inp, N * C, fn, "inp") || !need(env, &w, C, fn, "weight") || !need(env, &dw, C, fn, "dweight") ||
      !need(env, &db, C, fn, "dbias") || !need(env, &mean, N, fn, "mean") || !need(env, &rstd, N, fn, "rstd"))
    return NULL;
  layer_norm_backward_rows(dinp.data, dw.data, db.data, dout.data, inp.data, w.data, mean.data, rstd.data, N, C);
  return undefined_value(env);
}

/* rmsNormForward(out, rstd, inp, weight, N, C, eps) */
napi_value js_rms_norm_forward(napi_env env, napi_callback_info info) {
  const char *fn = "rmsNormForward";
  napi_value a[7];
  TypedView out, rstd, inp, w;
  int64_t N, C;
  double eps;
  if (!get_args(env, info, 7, a, fn) || !get_view(env, a[0], napi_float32_array, fn, "out", &out) ||
      !get_view(env, a[1], napi_float32_array, fn, "rstd", &rstd) ||
      !get_view(env, a[2], napi_float32_array, fn, "inp", &inp) ||
      !get_view(env, a[3], napi_float32_array, fn, "weight", &w) || !norm_sizes(env, a[4], a[5], fn, &N, &C) ||
      !get_double(env, a[6], fn, "eps", &eps) || !need(env, &out, N * C, fn, "out") ||
      !need(env, &inp, N * C, fn, "inp") || !need(env, &rstd, N, fn, "rstd") || !need(env, &w, C, fn, "weight"))
    return NULL;
  rms_norm_rows(out.data, rstd.data, inp.data, w.data, N, C, (float)eps);
  return undefined_value(env);
}

/* rmsNormBackward(dinp, dweight | null, dout, inp, weight, rstd, N, C) */
napi_value js_rms_norm_backward(napi_env env, napi_callback_info info) {
  const char *fn = "rmsNormBackward";
  napi_value a[8];
  TypedView dinp, dw, dout, inp, w, rstd;
  int64_t N, C;
  if (!get_args(env, info, 8, a, fn) || !get_view(env, a[0], napi_float32_array, fn, "dinp", &dinp) ||
      !get_optional_f32(env, a[1], fn, "dweight", &dw) ||
      !get_view(env, a[2], napi_float32_array, fn, "dout", &dout) ||
      !get_view(env, a[3], napi_float32_array, fn, "inp", &inp) ||
      !get_view(env, a[4], napi_float32_array, fn, "weight", &w) ||
      !get_view(env, a[5], napi_float32_array, fn, "rstd", &rstd) || !norm_sizes(env, a[6], a[7], fn, &N, &C) ||
      !need(env, &dinp, N * C, fn, "dinp") || !need(env, &dout, N * C, fn, "dout") ||
      !need(env, &inp, N * C, fn, "inp") || !need(env, &w, C, fn, "weight") || !need(env, &dw, C, fn, "dweight") ||
      !need(env, &rstd, N, fn, "rstd"))
    return NULL;
  rms_norm_backward_rows(dinp.data, dw.data, dout.data, inp.data, w.data, rstd.data, N, C);
  return undefined_value(env);
}
