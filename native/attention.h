/* Batched causal attention entry points (attention.c): square forward/backward, and the
 * rectangular inference-only case of a KV cache. */
#ifndef LOCEDIT_ATTENTION_H
#define LOCEDIT_ATTENTION_H
#include <node_api.h>

napi_value js_attention_forward(napi_env env, napi_callback_info info);
napi_value js_attention_backward(napi_env env, napi_callback_info info);
napi_value js_attention_incremental(napi_env env, napi_callback_info info);

#endif
