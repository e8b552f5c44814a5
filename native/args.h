/* Argument helpers for the locedit N-API addon: typed-array views, integers and bounds checks.
 * Every entry point validates that each matrix, with its offset and leading dimension, fits in
 * the typed array it lives in, so a wrong call from JavaScript is an exception, never a crash. */
#ifndef LOCEDIT_ARGS_H
#define LOCEDIT_ARGS_H
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
  void *data;       /* first element of the view */
  size_t length;    /* element count of the view */
  napi_typedarray_type type;
} TypedView;

#define CHECK_NAPI(env, call)                                  \
  do {                                                         \
    if ((call) != napi_ok) {                                   \
      napi_throw_error((env), "LOCEDIT_NAPI", #call " failed"); \
      return NULL;                                             \
    }                                                          \
  } while (0)

/* Reads `count` arguments; throws and returns 0 when fewer were passed. */
int get_args(napi_env env, napi_callback_info info, size_t count, napi_value *argv, const char *fn);
int get_int(napi_env env, napi_value v, const char *fn, const char *name, int64_t *out);
int get_double(napi_env env, napi_value v, const char *fn, const char *name, double *out);
int get_bool(napi_env env, napi_value v, const char *fn, const char *name, int *out);
/* Typed array of the wanted type (napi_float32_array or napi_float64_array). */
int get_view(napi_env env, napi_value v, napi_typedarray_type want, const char *fn, const char *name,
             TypedView *out);
/* A rows x cols row-major matrix at `offset` with leading dimension `ld` must fit in the view. */
int check_matrix(napi_env env, const TypedView *view, int64_t offset, int64_t rows, int64_t cols, int64_t ld,
                 const char *fn, const char *name);
/* Every entry of a rows x cols row-major matrix must be finite (LAPACK loops or returns NaN otherwise). */
int check_finite_f32(napi_env env, const float *data, int64_t rows, int64_t cols, int64_t ld, const char *fn,
                     const char *name);
int check_finite_f64(napi_env env, const double *data, int64_t rows, int64_t cols, int64_t ld, const char *fn,
                     const char *name);
int throw_non_finite(napi_env env, const char *fn, const char *name, int64_t row, int64_t col, double value);
/* The name JavaScript sees for a C entry point: "js_sgemm" -> "sgemm". */
#define JS_NAME(NAME) (#NAME + 3)
int throw_error(napi_env env, const char *fn, const char *message);
napi_value undefined_value(napi_env env);

#endif
