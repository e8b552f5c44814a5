/* Argument helpers for the locedit N-API addon (see args.h). */
#include "args.h"
#include <math.h>
#include <stdio.h>

int throw_error(napi_env env, const char *fn, const char *message) {
  char text[512];
  snprintf(text, sizeof text, "%s: %s", fn, message);
  napi_throw_error(env, "LOCEDIT_NATIVE", text);
  return 0;
}

napi_value undefined_value(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

int get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv, const char *fn) {
  size_t argc = count;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return throw_error(env, fn, "bad call");
  if (argc < count) {
    char text[128];
    snprintf(text, sizeof text, "expected %zu arguments, got %zu", count, argc);
    return throw_error(env, fn, text);
  }
  return 1;
}

int get_int(napi_env env, napi_value v, const char *fn, const char *name, int64_t *out) {
  double d;
  /* Range first: converting a non-finite or out-of-range double to int64_t is undefined behaviour. */
  if (napi_get_value_double(env, v, &d) != napi_ok || !(fabs(d) <= 9007199254740992.0) || d != (double)(int64_t)d) {
    char text[128];
    snprintf(text, sizeof text, "argument '%s' must be an integer", name);
    return throw_error(env, fn, text);
  }
  *out = (int64_t)d;
  return 1;
}

int get_double(napi_env env, napi_value v, const char *fn, const char *name, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    char text[128];
    snprintf(text, sizeof text, "argument '%s' must be a number", name);
    return throw_error(env, fn, text);
  }
  return 1;
}

int get_bool(napi_env env, napi_value v, const char *fn, const char *name, int *out) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) {
    char text[128];
    snprintf(text, sizeof text, "argument '%s' must be a boolean", name);
    return throw_error(env, fn, text);
  }
  *out = b ? 1 : 0;
  return 1;
}

int get_view(napi_env env, napi_value v, napi_typedarray_type want, const char *fn, const char *name,
             TypedView *out) {
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  if (!is_typed) goto wrong;
  napi_value buffer;
  size_t byte_offset;
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &byte_offset) != napi_ok)
    goto wrong;
  if (out->type != want) goto wrong;
  return 1;
wrong : {
  char text[128];
  snprintf(text, sizeof text, "argument '%s' must be a %s", name,
           want == napi_float32_array   ? "Float32Array"
           : want == napi_float64_array ? "Float64Array"
           : want == napi_uint8_array   ? "Uint8Array"
           : want == napi_uint16_array  ? "Uint16Array"
                                        : "Int32Array");
  return throw_error(env, fn, text);
}
}

int check_matrix(napi_env env, const TypedView *view, int64_t offset, int64_t rows, int64_t cols, int64_t ld,
                 const char *fn, const char *name) {
  char text[256];
  if (rows < 0 || cols < 0 || offset < 0) {
    snprintf(text, sizeof text, "matrix '%s' has a negative size or offset", name);
    return throw_error(env, fn, text);
  }
  if (ld < (cols > 1 ? cols : 1)) {
    snprintf(text, sizeof text, "matrix '%s': leading dimension %lld is smaller than its %lld columns", name,
             (long long)ld, (long long)cols);
    return throw_error(env, fn, text);
  }
  /* BLAS and LAPACK take 32-bit ints here: a larger size would be truncated silently. */
  if (rows > INT32_MAX || cols > INT32_MAX || ld > INT32_MAX) {
    snprintf(text, sizeof text, "matrix '%s': sizes and leading dimension must be below 2^31", name);
    return throw_error(env, fn, text);
  }
  if (rows == 0 || cols == 0) return 1;
  int64_t end = offset + (rows - 1) * ld + cols;
  if (end > (int64_t)view->length) {
    snprintf(text, sizeof text, "matrix '%s' (%lld x %lld, ld %lld, offset %lld) needs %lld elements, array has %zu",
             name, (long long)rows, (long long)cols, (long long)ld, (long long)offset, (long long)end, view->length);
    return throw_error(env, fn, text);
  }
  return 1;
}

int check_finite_f32(napi_env env, const float *data, int64_t rows, int64_t cols, int64_t ld, const char *fn,
                     const char *name) {
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++)
      if (!isfinite(data[i * ld + j])) return throw_non_finite(env, fn, name, i, j, data[i * ld + j]);
  return 1;
}

int check_finite_f64(napi_env env, const double *data, int64_t rows, int64_t cols, int64_t ld, const char *fn,
                     const char *name) {
  for (int64_t i = 0; i < rows; i++)
    for (int64_t j = 0; j < cols; j++)
      if (!isfinite(data[i * ld + j])) return throw_non_finite(env, fn, name, i, j, data[i * ld + j]);
  return 1;
}

int throw_non_finite(napi_env env, const char *fn, const char *name, int64_t row, int64_t col, double value) {
  char text[256];
  snprintf(text, sizeof text, "matrix '%s' has a non-finite entry %g at (%lld, %lld); LAPACK needs finite input",
           name, value, (long long)row, (long long)col);
  return throw_error(env, fn, text);
}
