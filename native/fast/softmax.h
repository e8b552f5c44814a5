/* Row-wise masked softmax and its Jacobian product, compiled with -ffast-math (see softmax.c). */
#ifndef LOCEDIT_FAST_SOFTMAX_H
#define LOCEDIT_FAST_SOFTMAX_H
#include <stddef.h>
#include <stdint.h>

void causal_masked_softmax(float *scores, const uint8_t *key_mask, int64_t T);
/* Tq×Tk block, query t at absolute index offset + t sees keys j ≤ offset + t (row stride Tk). */
void causal_masked_softmax_offset(float *scores, const uint8_t *key_mask, int64_t Tq, int64_t Tk, int64_t offset);
void softmax_backward_rows(float *dscores, const float *probs, int64_t T);
void softmax_backward_rect(float *dscores, const float *probs, int64_t rows, int64_t cols);

#endif
