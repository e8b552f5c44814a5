/* 16-bit float (F16, BF16) → float32 widening with run-time CPU dispatch (see half-convert.c). */
#ifndef LOCEDIT_HALF_CONVERT_H
#define LOCEDIT_HALF_CONVERT_H
#include <stdint.h>

typedef enum { HALF_F16 = 0, HALF_BF16 = 1 } HalfDtype;

typedef struct {
  int avx2, f16c, avx512f, avx512bf16;
  /* the widening path chosen for each dtype: "avx512f", "f16c", "avx2" or "c" */
  const char *f16_path, *bf16_path;
} HalfFeatures;

const HalfFeatures *half_features(void);
/* dst[i] = (float)src[i] for i < n, exactly. */
void widen_half(HalfDtype dtype, const uint16_t *src, float *dst, int64_t n);
/* The same with the plain C loop whatever the CPU (tests compare the two). */
void widen_half_portable(HalfDtype dtype, const uint16_t *src, float *dst, int64_t n);

#endif
