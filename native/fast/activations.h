/* Activation loops compiled with -ffast-math (see activations.c). */
#ifndef LOCEDIT_FAST_ACTIVATIONS_H
#define LOCEDIT_FAST_ACTIVATIONS_H
#include <stddef.h>

void gelu_loop(const float *in, float *out, size_t n);
void gelu_backward_loop(float *dx, const float *dy, const float *x, size_t n);

#endif
