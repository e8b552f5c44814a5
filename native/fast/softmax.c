/* Causal attention softmax (Vaswani et al. 2017, eq. 1) over a T×T score block, row t seeing keys
 * j ≤ t whose mask is 1; every other entry becomes 0, and a row with no visible key is all 0.
 * Masking is by index, never by -inf, so -ffast-math (vectorised expf) is safe here.
 * Backward: dS = P ⊙ (dP − rowsum(dP ⊙ P)), in place of dP. */
#include "softmax.h"
#include <math.h>

void causal_masked_softmax(float *scores, const uint8_t *key_mask, int64_t T) {
  for (int64_t t = 0; t < T; t++) {
    float *row = scores + t * T;
    float max = 0.0f;
    int any = 0;
    for (int64_t j = 0; j <= t; j++) {
      if (key_mask[j] && (!any || row[j] > max)) {
        max = row[j];
        any = 1;
      }
    }
    if (!any) {
      for (int64_t j = 0; j < T; j++) row[j] = 0.0f;
      continue;
    }
    float sum = 0.0f;
    for (int64_t j = 0; j <= t; j++) {
      float e = key_mask[j] ? expf(row[j] - max) : 0.0f;
      row[j] = e;
      sum += e;
    }
    float inv = 1.0f / sum;
    for (int64_t j = 0; j <= t; j++) row[j] *= inv;
    for (int64_t j = t + 1; j < T; j++) row[j] = 0.0f;
  }
}

void softmax_backward_rows(float *dscores, const float *probs, int64_t T) {
  for (int64_t t = 0; t < T; t++) {
    float *d = dscores + t * T;
    const float *p = probs + t * T;
    float dot = 0.0f;
    for (int64_t j = 0; j < T; j++) dot += d[j] * p[j];
    for (int64_t j = 0; j < T; j++) d[j] = p[j] * (d[j] - dot);
  }
}
