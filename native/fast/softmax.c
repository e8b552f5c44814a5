/* Causal attention softmax (Vaswani et al. 2017, eq. 1) over a T×T score block, row t seeing keys
 * j ≤ t whose mask is 1; every other entry becomes 0, and a row with no visible key is all 0.
 * The rectangular form (incremental decoding) has Tq query rows over Tk keys, query t standing at
 * absolute index offset + t; the square block is the case Tq = Tk, offset 0.
 * Masking is by index, never by -inf, so -ffast-math (vectorised expf) is safe here.
 * Backward: dS = P ⊙ (dP − rowsum(dP ⊙ P)), in place of dP (square T×T or rows×cols). */
#include "softmax.h"
#include <math.h>

void causal_masked_softmax(float *scores, const uint8_t *key_mask, int64_t T) {
  causal_masked_softmax_offset(scores, key_mask, T, T, 0);
}

void causal_masked_softmax_offset(float *scores, const uint8_t *key_mask, int64_t Tq, int64_t Tk, int64_t offset) {
  for (int64_t t = 0; t < Tq; t++) {
    float *row = scores + t * Tk;
    const int64_t last = offset + t; /* the query's own absolute index: it sees keys 0..last */
    float max = 0.0f;
    int any = 0;
    for (int64_t j = 0; j <= last; j++) {
      if (key_mask[j] && (!any || row[j] > max)) {
        max = row[j];
        any = 1;
      }
    }
    if (!any) {
      for (int64_t j = 0; j < Tk; j++) row[j] = 0.0f;
      continue;
    }
    float sum = 0.0f;
    for (int64_t j = 0; j <= last; j++) {
      float e = key_mask[j] ? expf(row[j] - max) : 0.0f;
      row[j] = e;
      sum += e;
    }
    float inv = 1.0f / sum;
    for (int64_t j = 0; j <= last; j++) row[j] *= inv;
    for (int64_t j = last + 1; j < Tk; j++) row[j] = 0.0f;
  }
}

void softmax_backward_rows(float *dscores, const float *probs, int64_t T) {
  softmax_backward_rect(dscores, probs, T, T);
}

void softmax_backward_rect(float *dscores, const float *probs, int64_t rows, int64_t cols) {
  for (int64_t t = 0; t < rows; t++) {
    float *d = dscores + t * cols;
    const float *p = probs + t * cols;
    float dot = 0.0f;
    for (int64_t j = 0; j < cols; j++) dot += d[j] * p[j];
    for (int64_t j = 0; j < cols; j++) d[j] = p[j] * (d[j] - dot);
  }
}
