/* Batched causal attention entry points: square forward/backward and the rectangular
 * inference-only case of a KV cache (attention.c); new tokens over a cached prefix, forward and
 * backward (attention-prefix.c). */
#ifndef LOCEDIT_ATTENTION_H
#define LOCEDIT_ATTENTION_H
#include <node_api.h>

napi_value js_attention_forward(napi_env env, napi_callback_info info);
napi_value js_attention_backward(napi_env env, napi_callback_info info);
napi_value js_attention_incremental(napi_env env, napi_callback_info info);
/* attention-prefix.c: new tokens over a cached prefix, forward and backward (compute_z) */
napi_value js_attention_prefix_forward(napi_env env, napi_callback_info info);
napi_value js_attention_prefix_backward(napi_env env, napi_callback_info info);

#endif
