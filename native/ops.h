/* Entry points exported by the locedit addon (registered in addon.c). */
#ifndef LOCEDIT_OPS_H
#define LOCEDIT_OPS_H
#include <node_api.h>

napi_value js_sgemm(napi_env env, napi_callback_info info);
napi_value js_dgemm(napi_env env, napi_callback_info info);
napi_value js_ssyrk(napi_env env, napi_callback_info info);
napi_value js_dsyrk(napi_env env, napi_callback_info info);
napi_value js_set_num_threads(napi_env env, napi_callback_info info);
napi_value js_get_num_threads(napi_env env, napi_callback_info info);
napi_value js_spotrf(napi_env env, napi_callback_info info);
napi_value js_dpotrf(napi_env env, napi_callback_info info);
napi_value js_spotrs(napi_env env, napi_callback_info info);
napi_value js_dpotrs(napi_env env, napi_callback_info info);
napi_value js_ssyevd(napi_env env, napi_callback_info info);
napi_value js_dsyevd(napi_env env, napi_callback_info info);
napi_value js_sgesdd(napi_env env, napi_callback_info info);
napi_value js_dgesdd(napi_env env, napi_callback_info info);
napi_value js_sgesv(napi_env env, napi_callback_info info);
napi_value js_dgesv(napi_env env, napi_callback_info info);

#endif
