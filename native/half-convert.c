/* Widening of 16-bit floats to float32, exact for every bit pattern (subnormals, ±inf, NaN):
 *   BF16 (bfloat16) is the upper half of a binary32: f32 bits = bf16 bits << 16;
 *   F16 (IEEE 754 binary16: 1 sign, 5 exponent, 10 mantissa bits) is rebiased (15 → 127).
 * The vector paths are chosen at run time from what the CPU reports (cpuid), so the addon stays
 * correct when built for an older baseline: AVX-512F (16 lanes: vpmovzxwd + vpslld for BF16,
 * vcvtph2ps for F16), else AVX2 + F16C (8 lanes), else plain C. AVX-512 BF16 (vdpbf16ps) is
 * reported but not used: it multiplies bf16 by bf16, so activations would be rounded to bf16,
 * and locedit's half-precision forward must equal the float32 one up to float32 rounding. */
#include "half-convert.h"
#include <immintrin.h>

/* Exact binary16 → binary32 in plain C. */
static inline uint32_t f16_to_f32_bits(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000) << 16;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  if (exponent == 0x1f) return sign | 0x7f800000 | (mantissa << 13); /* inf, NaN (payload kept) */
  if (exponent == 0) {
    if (mantissa == 0) return sign;
    /* subnormal: normalise the mantissa; value = mantissa · 2^-24 */
    int shift = 0;
    while ((mantissa & 0x400) == 0) {
      mantissa <<= 1;
      shift++;
    }
    return sign | ((uint32_t)(113 - shift) << 23) | ((mantissa & 0x3ff) << 13);
  }
  return sign | ((exponent + 112) << 23) | (mantissa << 13);
}

static void widen_bf16_c(const uint16_t *src, float *dst, int64_t n) {
  uint32_t *out = (uint32_t *)dst;
  for (int64_t i = 0; i < n; i++) out[i] = (uint32_t)src[i] << 16;
}

static void widen_f16_c(const uint16_t *src, float *dst, int64_t n) {
  uint32_t *out = (uint32_t *)dst;
  for (int64_t i = 0; i < n; i++) out[i] = f16_to_f32_bits(src[i]);
}

__attribute__((target("avx2"))) static void widen_bf16_avx2(const uint16_t *src, float *dst, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(src + i)));
    _mm256_storeu_si256((__m256i *)(dst + i), _mm256_slli_epi32(w, 16));
  }
  widen_bf16_c(src + i, dst + i, n - i);
}

__attribute__((target("avx512f"))) static void widen_bf16_avx512(const uint16_t *src, float *dst, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(src + i)));
    _mm512_storeu_si512((void *)(dst + i), _mm512_slli_epi32(w, 16));
  }
  widen_bf16_c(src + i, dst + i, n - i);
}

__attribute__((target("avx,f16c"))) static void widen_f16_f16c(const uint16_t *src, float *dst, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
  widen_f16_c(src + i, dst + i, n - i);
}

__attribute__((target("avx512f"))) static void widen_f16_avx512(const uint16_t *src, float *dst, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(src + i))));
  widen_f16_c(src + i, dst + i, n - i);
}

typedef void (*WidenFn)(const uint16_t *, float *, int64_t);
static WidenFn widen_f16_impl = 0, widen_bf16_impl = 0;
static HalfFeatures features;

static void choose(void) {
  if (widen_f16_impl) return;
  __builtin_cpu_init();
  features.avx2 = __builtin_cpu_supports("avx2");
  features.f16c = __builtin_cpu_supports("f16c");
  features.avx512f = __builtin_cpu_supports("avx512f");
  features.avx512bf16 = __builtin_cpu_supports("avx512bf16");
  features.f16_path = features.avx512f ? "avx512f" : features.f16c ? "f16c" : "c";
  features.bf16_path = features.avx512f ? "avx512f" : features.avx2 ? "avx2" : "c";
  widen_f16_impl = features.avx512f ? widen_f16_avx512 : features.f16c ? widen_f16_f16c : widen_f16_c;
  widen_bf16_impl = features.avx512f ? widen_bf16_avx512 : features.avx2 ? widen_bf16_avx2 : widen_bf16_c;
}

const HalfFeatures *half_features(void) {
  choose();
  return &features;
}

void widen_half(HalfDtype dtype, const uint16_t *src, float *dst, int64_t n) {
  choose();
  if (dtype == HALF_BF16) widen_bf16_impl(src, dst, n);
  else widen_f16_impl(src, dst, n);
}

void widen_half_portable(HalfDtype dtype, const uint16_t *src, float *dst, int64_t n) {
  if (dtype == HALF_BF16) widen_bf16_c(src, dst, n);
  else widen_f16_c(src, dst, n);
}
