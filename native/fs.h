/* Filesystem entry points of the locedit addon (fs.c). */
#ifndef LOCEDIT_FS_H
#define LOCEDIT_FS_H
#include <node_api.h>

napi_value js_rename_no_replace(napi_env env, napi_callback_info info);
napi_value js_rename_exchange(napi_env env, napi_callback_info info);

#endif
