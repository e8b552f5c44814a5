/* Row-wise masked softmax and its Jacobian product, compiled with -ffast-math (see softmax.c). */
#ifndef LOCEDIT_FAST_SOFTMAX_H
#define LOCEDIT_FAST_SOFTMAX_H
#include <stddef.h>
#include <stdint.h>

void causal_masked_softmax(float *scores, const uint8_t *key_mask, int64_t T);
void softmax_backward_rows(float *dscores, const float *probs, int64_t T);

#endif
