/* Elementwise kernels of the locedit addon. GELU, tanh approximation (Hendrycks & Gimpel 2016,
 * as GPT-2's "gelu_new"): y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
#include <math.h>
#include "args.h"
#include "kernels.h"

#include "fast/activations.h"

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
