/* Training kernels of the locedit addon (see training.c). */
#ifndef LOCEDIT_TRAINING_H
#define LOCEDIT_TRAINING_H
#include <node_api.h>

napi_value js_adamw_update(napi_env env, napi_callback_info info);
napi_value js_sum_squares(napi_env env, napi_callback_info info);
napi_value js_cross_entropy_rows(napi_env env, napi_callback_info info);
napi_value js_keep_freed_memory(napi_env env, napi_callback_info info);
#define TRAINING_EXPORTS                                                                            \
  EXPORT("adamwUpdate", js_adamw_update), EXPORT("sumSquares", js_sum_squares),                      \
      EXPORT("crossEntropyRows", js_cross_entropy_rows), EXPORT("keepFreedMemory", js_keep_freed_memory)

#endif
