/* Hot elementwise kernels of the locedit addon (see kernels.c). */
#ifndef LOCEDIT_KERNELS_H
#define LOCEDIT_KERNELS_H
#include <node_api.h>

napi_value js_gelu_tanh(napi_env env, napi_callback_info info);
napi_value js_gelu_tanh_backward(napi_env env, napi_callback_info info);
napi_value js_layer_norm_forward(napi_env env, napi_callback_info info);
napi_value js_layer_norm_backward(napi_env env, napi_callback_info info);
napi_value js_rms_norm_forward(napi_env env, napi_callback_info info);
napi_value js_rms_norm_backward(napi_env env, napi_callback_info info);
#define KERNEL_EXPORTS                                                                              \
  EXPORT("geluTanh", js_gelu_tanh), EXPORT("geluTanhBackward", js_gelu_tanh_backward),              \
      EXPORT("layerNormForward", js_layer_norm_forward), EXPORT("layerNormBackward", js_layer_norm_backward), \
      EXPORT("rmsNormForward", js_rms_norm_forward), EXPORT("rmsNormBackward", js_rms_norm_backward)

#endif
