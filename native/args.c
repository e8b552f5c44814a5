/* Argument helpers for the locedit N-API addon (see args.h). */
#include "args.h"
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
  if (napi_get_value_double(env, v, &d) != napi_ok || d != (double)(int64_t)d) {
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
           want == napi_float32_array ? "Float32Array" : (want == napi_float64_array ? "Float64Array" : "Int32Array"));
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
  if (rows == 0 || cols == 0) return 1;
  int64_t end = offset + (rows - 1) * ld + cols;
  if (end > (int64_t)view->length) {
    snprintf(text, sizeof text, "matrix '%s' (%lld x %lld, ld %lld, offset %lld) needs %lld elements, array has %zu",
             name, (long long)rows, (long long)cols, (long long)ld, (long long)offset, (long long)end, view->length);
    return throw_error(env, fn, text);
  }
  return 1;
}
