/* Softmax cross-entropy over rows of logits (the LM loss): for row m with target y and weight w,
 *   logprob_m = z_y − max − log Σ_v e^(z_v − max),   loss += −w·logprob_m,
 *   dz_m = w·(softmax(z_m) − onehot(y)).
 * Exponentials and sums in float64 (as runtime/loss.ts states), each e^(z − max) kept in dz as
 * float32 and then scaled, as the former JavaScript loop did. This file is compiled with
 * -ffast-math so that exp vectorises through glibc's libmvec (≤ 4 ulp in float64, far below the
 * float32 rounding of dz). */
#include "loss.h"
#include <math.h>

int64_t cross_entropy_rows(float *dlogits, double *logprobs, const float *logits, const int32_t *targets,
                           const double *weights, int64_t M, int64_t V, double *loss) {
  double total = 0;
  for (int64_t m = 0; m < M; m++) {
    const int32_t y = targets[m];
    if (y < 0 || y >= V) return 1 + m;
    const float *z = logits + m * V;
    float *dz = dlogits + m * V;
    float max = z[0];
    for (int64_t v = 1; v < V; v++) max = z[v] > max ? z[v] : max;
    double sum = 0;
    for (int64_t v = 0; v < V; v++) {
      double e = exp((double)z[v] - (double)max);
      dz[v] = (float)e;
      sum += e;
    }
    const double w = weights ? weights[m] : 1.0;
    const double scale = w / sum;
    for (int64_t v = 0; v < V; v++) dz[v] = (float)((double)dz[v] * scale);
    dz[y] = (float)((double)dz[y] - w);
    logprobs[m] = (double)z[y] - (double)max - log(sum);
    total -= w * logprobs[m];
  }
  *loss = total;
  return 0;
}
