/* LayerNorm and RMSNorm row kernels, compiled with -ffast-math (see norms.c). */
#ifndef LOCEDIT_FAST_NORMS_H
#define LOCEDIT_FAST_NORMS_H
#include <stdint.h>

void layer_norm_rows(float *out, float *mean, float *rstd, const float *inp, const float *weight, const float *bias,
                     int64_t N, int64_t C, float eps);
void layer_norm_backward_rows(float *dinp, float *dweight, float *dbias, const float *dout, const float *inp,
                              const float *weight, const float *mean, const float *rstd, int64_t N, int64_t C);
void rms_norm_rows(float *out, float *rstd, const float *inp, const float *weight, int64_t N, int64_t C, float eps);
void rms_norm_backward_rows(float *dinp, float *dweight, const float *dout, const float *inp, const float *weight,
                            const float *rstd, int64_t N, int64_t C);

#endif
