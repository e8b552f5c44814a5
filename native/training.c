/* Training kernels of the locedit addon (N-API glue; the cross-entropy loop lives in
 * native/fast/loss.c):
 *  - adamwUpdate: one AdamW step of one tensor (Loshchilov & Hutter 2019, Algorithm 2, in
 *    PyTorch's torch.optim.AdamW form, see src/training/adamw.ts), with the gradient first scaled
 *    by a global-norm clipping factor (Pascanu et al. 2013) when that factor is below 1. Scalars
 *    in float64, tensors float32, in exactly the order of the former JavaScript loop: this file
 *    is compiled without -ffast-math and with -std=c11 (no FMA contraction), so the result is
 *    bit for bit what that loop gave.
 *  - sumSquares: Σ x² in float64, sequentially (the global gradient norm).
 *  - crossEntropyRows: softmax cross-entropy of target rows with its gradient.
 *  - keepFreedMemory: glibc malloc settings for a training process, which frees and allocates
 *    hundreds of megabytes of activations every step: blocks up to 32 MiB come from the heap
 *    rather than fresh mmaps, and the heap's free top is never given back to the kernel, so the
 *    next step reuses the same pages instead of faulting in new zeroed ones (system time per step
 *    falls severalfold; no result changes). A no-op outside glibc. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include "args.h"
#include "training.h"
#include "fast/loss.h"
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* adamwUpdate(param, grad, m, v, gradScale, beta1, beta2, eps, stepSize, rootCorrection2, decayFactor)
 *   g ← gradScale < 1 ? fround(g·gradScale) : g            (clipping, in place in grad)
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
 *   θ ← θ·decayFactor − stepSize·m / (√v / rootCorrection2 + ε)   (decayFactor 1: no decay) */
napi_value js_adamw_update(napi_env env, napi_callback_info info) {
  const char *fn = "adamwUpdate";
  napi_value a[11];
  TypedView p, g, m, v;
  double scale, beta1, beta2, eps, step_size, root2, decay;
  if (!get_args(env, info, 11, a, fn) || !get_view(env, a[0], napi_float32_array, fn, "param", &p) ||
      !get_view(env, a[1], napi_float32_array, fn, "grad", &g) ||
      !get_view(env, a[2], napi_float32_array, fn, "m", &m) || !get_view(env, a[3], napi_float32_array, fn, "v", &v) ||
      !get_double(env, a[4], fn, "gradScale", &scale) || !get_double(env, a[5], fn, "beta1", &beta1) ||
      !get_double(env, a[6], fn, "beta2", &beta2) || !get_double(env, a[7], fn, "eps", &eps) ||
      !get_double(env, a[8], fn, "stepSize", &step_size) || !get_double(env, a[9], fn, "rootCorrection2", &root2) ||
      !get_double(env, a[10], fn, "decayFactor", &decay))
    return NULL;
  if (g.length != p.length || m.length != p.length || v.length != p.length) {
    char text[160];
    snprintf(text, sizeof text, "param has %zu elements but grad %zu, m %zu, v %zu", p.length, g.length, m.length,
             v.length);
    throw_error(env, fn, text);
    return NULL;
  }
  float *param = p.data, *grad = g.data, *mm = m.data, *vv = v.data;
  const int clip = scale < 1, decays = decay != 1;
  for (size_t i = 0; i < p.length; i++) {
    if (clip) grad[i] = (float)((double)grad[i] * scale);
    const double gi = grad[i];
    mm[i] = (float)(beta1 * mm[i] + (1 - beta1) * gi);
    vv[i] = (float)(beta2 * vv[i] + (1 - beta2) * gi * gi);
    const double theta = decays ? param[i] * decay : param[i];
    param[i] = (float)(theta - (step_size * mm[i]) / (sqrt(vv[i]) / root2 + eps));
  }
  return undefined_value(env);
}

/* sumSquares(x) → Σ x[i]² accumulated in float64 in index order. */
napi_value js_sum_squares(napi_env env, napi_callback_info info) {
  napi_value a[1];
  TypedView x;
  if (!get_args(env, info, 1, a, "sumSquares") || !get_view(env, a[0], napi_float32_array, "sumSquares", "x", &x))
    return NULL;
  const float *data = x.data;
  double sum = 0;
  for (size_t i = 0; i < x.length; i++) sum += (double)data[i] * data[i];
  napi_value out;
  CHECK_NAPI(env, napi_create_double(env, sum, &out));
  return out;
}

/* crossEntropyRows(logits, V, targets, weights | null, dlogits, logprobs) → loss
 * logits and dlogits (M·V) float32, targets (M) int32, weights and logprobs (M) float64. */
napi_value js_cross_entropy_rows(napi_env env, napi_callback_info info) {
  const char *fn = "crossEntropyRows";
  napi_value a[6];
  TypedView logits, targets, weights, dlogits, logprobs;
  int64_t V;
  napi_valuetype wtype;
  if (!get_args(env, info, 6, a, fn) || !get_view(env, a[0], napi_float32_array, fn, "logits", &logits) ||
      !get_int(env, a[1], fn, "V", &V) || !get_view(env, a[2], napi_int32_array, fn, "targets", &targets))
    return NULL;
  CHECK_NAPI(env, napi_typeof(env, a[3], &wtype));
  weights.data = NULL;
  weights.length = 0;
  if (wtype != napi_null && wtype != napi_undefined && !get_view(env, a[3], napi_float64_array, fn, "weights", &weights))
    return NULL;
  if (!get_view(env, a[4], napi_float32_array, fn, "dlogits", &dlogits) ||
      !get_view(env, a[5], napi_float64_array, fn, "logprobs", &logprobs))
    return NULL;
  const int64_t M = (int64_t)targets.length;
  if (V < 1 || (int64_t)logits.length != M * V || (int64_t)dlogits.length != M * V ||
      (int64_t)logprobs.length != M || (weights.data && (int64_t)weights.length != M)) {
    char text[200];
    snprintf(text, sizeof text, "%zu logits, %zu dlogits, %zu logprobs, %zu weights do not fit %lld rows of %lld",
             logits.length, dlogits.length, logprobs.length, weights.length, (long long)M, (long long)V);
    throw_error(env, fn, text);
    return NULL;
  }
  double loss = 0;
  int64_t bad = cross_entropy_rows(dlogits.data, logprobs.data, logits.data, targets.data, weights.data, M, V, &loss);
  if (bad) {
    char text[120];
    snprintf(text, sizeof text, "target %d of row %lld is outside the vocabulary", ((int32_t *)targets.data)[bad - 1],
             (long long)(bad - 1));
    throw_error(env, fn, text);
    return NULL;
  }
  napi_value out;
  CHECK_NAPI(env, napi_create_double(env, loss, &out));
  return out;
}

/* keepFreedMemory() → true when the allocator settings were applied (glibc), false otherwise. */
napi_value js_keep_freed_memory(napi_env env, napi_callback_info info) {
  int applied = 0;
#ifdef __GLIBC__
  applied = mallopt(M_MMAP_THRESHOLD, 32 << 20) && mallopt(M_TRIM_THRESHOLD, INT_MAX) &&
            mallopt(M_TOP_PAD, 256 << 20);
#endif
  napi_value out;
  CHECK_NAPI(env, napi_get_boolean(env, applied, &out));
  return out;
}
