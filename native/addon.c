/* Module registration of the locedit addon: dense linear algebra over OpenBLAS and LAPACKE, plus
 * the few elementwise kernels that profiling showed to matter (kernels.c), GEMM with 16-bit
 * float weights (half.c), and the atomic renames Node.js lacks (fs.c). */
#include <node_api.h>
#include "ops.h"
#include "kernels.h"
#include "attention.h"
#include "training.h"
#include "fs.h"
#include "half.h"

#define EXPORT(name, fn) {name, 0, fn, 0, 0, 0, napi_default, 0}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      EXPORT("sgemm", js_sgemm),
      EXPORT("dgemm", js_dgemm),
      EXPORT("ssyrk", js_ssyrk),
      EXPORT("dsyrk", js_dsyrk),
      EXPORT("spotrf", js_spotrf),
      EXPORT("dpotrf", js_dpotrf),
      EXPORT("spotrs", js_spotrs),
      EXPORT("dpotrs", js_dpotrs),
      EXPORT("ssyevd", js_ssyevd),
      EXPORT("dsyevd", js_dsyevd),
      EXPORT("sgesdd", js_sgesdd),
      EXPORT("dgesdd", js_dgesdd),
      EXPORT("sgesv", js_sgesv),
      EXPORT("dgesv", js_dgesv),
      EXPORT("setNumThreads", js_set_num_threads),
      EXPORT("getNumThreads", js_get_num_threads),
      EXPORT("attentionForward", js_attention_forward),
      EXPORT("attentionBackward", js_attention_backward),
      EXPORT("attentionIncremental", js_attention_incremental),
      EXPORT("attentionPrefixForward", js_attention_prefix_forward),
      EXPORT("attentionPrefixBackward", js_attention_prefix_backward),
      EXPORT("renameNoReplace", js_rename_no_replace),
      EXPORT("renameExchange", js_rename_exchange),
      KERNEL_EXPORTS,
      TRAINING_EXPORTS,
      HALF_EXPORTS
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
