/* Elementwise kernels of the locedit addon. GELU, tanh approximation (Hendrycks & Gimpel 2016,
 * as GPT-2's "gelu_new"): y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
#include <math.h>
#include "args.h"
#include "kernels.h"

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
  const float *in = x.data;
  float *out = y.data;
  const float c = 0.7978845608028654f;
  for (size_t i = 0; i < x.length; i++) {
    float v = in[i];
    out[i] = 0.5f * v * (1.0f + tanhf(c * (v + 0.044715f * v * v * v)));
  }
  return undefined_value(env);
}
