/* Row-wise softmax cross-entropy, compiled with -ffast-math (see loss.c). */
#ifndef LOCEDIT_FAST_LOSS_H
#define LOCEDIT_FAST_LOSS_H
#include <stdint.h>

/* Returns 0, or 1 + m for the first row m whose target is outside [0, V). */
int64_t cross_entropy_rows(float *dlogits, double *logprobs, const float *logits, const int32_t *targets,
                           const double *weights, int64_t M, int64_t V, double *loss);

#endif
